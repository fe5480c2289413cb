import createClient, { type Middleware } from 'openapi-fetch';
import { currentLang } from '../i18n';
import type { components, paths } from './schema';

/** Response and request shapes, generated from the platform's OpenAPI document. */
export type Schemas = components['schemas'];

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Array<{ field: string; messages: string[] }> = [],
    /** The rest of the error body (e.g. `retryAfterSeconds`, `lockedUntil` of a 429). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** Seconds to wait before trying again (429/503), when the platform said. */
  get retryAfterSeconds(): number | null {
    const s = this.details.retryAfterSeconds;
    return typeof s === 'number' && s > 0 ? s : null;
  }
}

let token: string | null = null;
let onUnauthorized: (() => void) | null = null;

/** Set by the session: the bearer token sent with every request, and what to do on a 401. */
export function configureAuth(t: string | null, expired: (() => void) | null): void {
  token = t;
  onUnauthorized = expired;
}

export function authToken(): string | null {
  return token;
}

const auth: Middleware = {
  onRequest({ request }) {
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401 && token) onUnauthorized?.();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: '' });
api.use(auth);

interface ErrorBody {
  statusCode?: number;
  code?: string;
  message?: string;
  fields?: Array<{ field: string; messages: string[] }>;
}

/** The data of an openapi-fetch result, or an ApiError carrying the platform's error body. */
export function unwrap<T>(r: { data?: T; error?: unknown; response: Response }): T {
  if (r.error !== undefined || r.data === undefined) {
    const e = (r.error ?? {}) as ErrorBody;
    throw new ApiError(
      r.response.status,
      e.code ?? `HTTP_${r.response.status}`,
      e.message ?? r.response.statusText,
      e.fields,
      { ...(r.error && typeof r.error === 'object' ? (r.error as Record<string, unknown>) : {}) },
    );
  }
  return r.data;
}

/** Downloads a file the API produces (exports, PDFs) with the session's token. */
export async function download(path: string, fallbackName: string): Promise<void> {
  const sep = path.includes('?') ? '&' : '?';
  const res = await fetch(`${path}${path.includes('lang=') ? '' : `${sep}lang=${currentLang()}`}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (!res.ok) throw new ApiError(res.status, `HTTP_${res.status}`, res.statusText);
  const disposition = res.headers.get('content-disposition') ?? '';
  const utf8 = /filename\*=UTF-8''([^;]+)/.exec(disposition)?.[1];
  const name = utf8 ? decodeURIComponent(utf8) : fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
