import { type INestApplication } from '@nestjs/common';
import { type Express, json, type Request, type Response } from 'express';
import { AuthService, type Principal } from '@liftwatch/access';
import { VisibilityRepository } from '@liftwatch/registry';
import { type DeviceCredentials, type Fleet } from '../../../../device-sim/src';

export const DEMO_FAULT_KINDS = ['entrapment', 'door', 'power', 'visit'] as const;
export type DemoFaultKind = (typeof DEMO_FAULT_KINDS)[number];

export interface DemoFleetHandle {
  fleet: Fleet;
  devices: readonly DeviceCredentials[];
}

interface FaultRequest {
  kind: DemoFaultKind;
  seconds: number;
  elevatorId: string | null;
}

type Problem = { field: string; message: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads `{ kind?, seconds?, elevatorId? }`; every problem named by field. */
export function parseFaultRequest(body: unknown): FaultRequest | Problem[] {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const problems: Problem[] = [];
  for (const k of Object.keys(b)) {
    if (!['kind', 'seconds', 'elevatorId'].includes(k))
      problems.push({ field: k, message: `property ${k} should not exist` });
  }
  const kind = b.kind ?? 'entrapment';
  if (typeof kind !== 'string' || !(DEMO_FAULT_KINDS as readonly string[]).includes(kind)) {
    problems.push({ field: 'kind', message: `kind must be one of ${DEMO_FAULT_KINDS.join(', ')}` });
  }
  const seconds = b.seconds ?? 120;
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 5 || seconds > 3600) {
    problems.push({ field: 'seconds', message: 'seconds must be an integer from 5 to 3600' });
  }
  const elevatorId = b.elevatorId ?? null;
  if (elevatorId !== null && (typeof elevatorId !== 'string' || !UUID.test(elevatorId))) {
    problems.push({ field: 'elevatorId', message: 'elevatorId must be a UUID' });
  }
  if (problems.length > 0) return problems;
  return { kind: kind as DemoFaultKind, seconds: seconds as number, elevatorId: elevatorId as string | null };
}

/**
 * Demo only (`--demo`): `POST /api/v1/demo/faults` makes one of the demo's simulated controllers
 * report a fault — an entrapment by default — so a new user can follow a rescue from the popup to
 * "resolved" without a second tool. Firm staff and admins, on the demo elevators they may see; the
 * controller then reports exactly what a real one would (status samples, fault events).
 * Not part of the product's API (absent without `--demo`, not in the OpenAPI document).
 */
export function mountDemoControls(app: INestApplication, handle: () => DemoFleetHandle | null): void {
  const auth = app.get(AuthService);
  const visibility = app.get(VisibilityRepository);
  const server = app.getHttpAdapter().getInstance() as Express;
  const fail = (res: Response, status: number, code: string, message: string, fields?: Problem[]): void => {
    res.status(status).json({
      statusCode: status,
      code,
      message,
      ...(fields ? { fields: fields.map((f) => ({ field: f.field, messages: [f.message] })) } : {}),
    });
  };
  server.post('/api/v1/demo/faults', json({ limit: '4kb' }), (req: Request, res: Response) => {
    void (async () => {
      const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
      let p: Principal;
      try {
        p = await auth.principalFromToken(token);
      } catch {
        return fail(res, 401, 'UNAUTHENTICATED', 'a valid access token is required');
      }
      if (p.role !== 'admin' && p.role !== 'firm') {
        return fail(res, 403, 'FORBIDDEN', 'demo faults are for maintenance firms and admins');
      }
      const parsed = parseFaultRequest(req.body);
      if (Array.isArray(parsed)) {
        return fail(
          res,
          400,
          'VALIDATION_FAILED',
          parsed.map((x) => `${x.field}: ${x.message}`).join(' | '),
          parsed,
        );
      }
      const h = handle();
      if (!h) return fail(res, 503, 'DEMO_DEVICES_NOT_RUNNING', 'the demo controllers are not running');
      const candidates = parsed.elevatorId
        ? h.devices.filter((d) => d.elevatorId === parsed.elevatorId)
        : h.devices;
      let device: DeviceCredentials | undefined;
      let controller: Fleet['controllers'][number] | undefined;
      for (const d of candidates) {
        const c = h.fleet.controllers.find((x) => x.serial === d.serial);
        if (c?.connected && (await visibility.canSeeElevator(p, d.elevatorId))) {
          device = d;
          controller = c;
          break;
        }
      }
      if (!device || !controller) {
        return fail(
          res,
          404,
          'ELEVATOR_NOT_FOUND',
          'no demo elevator with a running controller that you may see',
        );
      }
      if (parsed.kind === 'entrapment') controller.injectEntrapment(parsed.seconds);
      else if (parsed.kind === 'door') controller.injectDoorFault(parsed.seconds);
      else if (parsed.kind === 'power') controller.injectPowerLoss(parsed.seconds);
      else void controller.maintenanceVisit(parsed.seconds);
      res.status(202).json({
        elevatorId: device.elevatorId,
        serial: device.serial,
        kind: parsed.kind,
        seconds: parsed.seconds,
      });
    })().catch((err: unknown) =>
      fail(res, 500, 'INTERNAL', err instanceof Error ? err.message : String(err)),
    );
  });
}
