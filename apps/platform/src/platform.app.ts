import { type NestExpressApplication } from '@nestjs/platform-express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type INestApplication, Logger as NestLogger, ValidationPipe } from '@nestjs/common';
import {
  type Express,
  type NextFunction,
  type Request,
  type Response,
  static as expressStatic,
} from 'express';
import compression from 'compression';
import helmet from 'helmet';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { HttpErrorFilter, SafeInputPipe, validationExceptionFactory } from '@liftwatch/contract';
import { HttpMetricsMiddleware } from '@liftwatch/observability';
import { PlatformModule, type PlatformModuleOptions } from './platform.module';
import { RedisIoAdapter } from './redis-io.adapter';

export const API_PREFIX = 'api/v1';

/** Builds the HTTP application (not yet listening); shared by `main` and the e2e tests. */
export async function createPlatformApp(options: PlatformModuleOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(PlatformModule.forRoot(options), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.use(securityHeaders());
  const httpMetrics = app.get(HttpMetricsMiddleware);
  app.use(httpMetrics.use.bind(httpMetrics));
  // gzip for the dashboard's bundles and the API's JSON (a 1.2 MB chunk goes out as ~0.4 MB).
  // Downloads that set no-transform (none today) and tiny bodies are left alone.
  app.use(compression({ threshold: 1024 }));
  // Behind a reverse proxy the client's address is in X-Forwarded-For (the public page's rate limits).
  if (options.config.http.trustProxy) app.set('trust proxy', true);
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'health/live', 'metrics'] });
  app.useGlobalPipes(
    new SafeInputPipe(),
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: validationExceptionFactory,
    }),
  );
  app.useGlobalFilters(new HttpErrorFilter());
  if (options.config.redis.url && options.config.role !== 'ingest') {
    // Several api replicas: rooms and broadcasts shared through Redis. Configured means required:
    // a replica that starts without it would silently serve only its own sockets.
    const adapter = new RedisIoAdapter(app, options.config.redis.url);
    try {
      await adapter.connected();
    } catch (err) {
      await adapter.dispose();
      throw new Error(`REDIS_URL: ${err instanceof Error ? err.message : String(err)}`);
    }
    app.useWebSocketAdapter(adapter);
    new NestLogger('RedisIoAdapter').log('socket.io shares rooms with other api replicas through Redis');
  }
  // No app.enableShutdownHooks(): main.ts owns SIGINT/SIGTERM and shuts down in order (demo
  // devices, app.close() — drains ingest into a live database —, then the embedded PostgreSQL).
  // Nest's own hook would re-raise the signal after app.close() and kill the process first.

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('liftwatch API')
      .setDescription(
        'Operations and maintenance of elevators retrofitted onto existing residential buildings. ' +
          'Every list and record is scoped to the caller’s role; records outside it answer 404.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/openapi.json' });
  if (options.config.role !== 'ingest') serveDashboard(app, options.config.http.webDir);
  return app;
}

/**
 * Response headers for every answer (helmet): no MIME sniffing, no framing, no referrer leaks, and a
 * Content-Security-Policy the dashboard passes — its scripts are files of its own origin (no inline
 * script); styles may be inline (Ant Design writes its CSS at run time); images may be data: and
 * blob: URLs (QR codes, camera photos); connections go to its own origin (REST, socket.io). The API
 * docs page (Swagger UI) gets the same policy but for an inline bootstrap.
 */
function securityHeaders(): (req: Request, res: Response, next: NextFunction) => void {
  const directives = {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'", 'ws:', 'wss:'],
    workerSrc: ["'self'", 'blob:'],
    mediaSrc: ["'self'", 'blob:'],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    // the platform may be served over plain http on a local network: do not rewrite to https
    upgradeInsecureRequests: null,
  };
  const strict = helmet({ contentSecurityPolicy: { directives } });
  const docs = helmet({
    contentSecurityPolicy: { directives: { ...directives, scriptSrc: ["'self'", "'unsafe-inline'"] } },
  });
  return (req, res, next) => (req.path.startsWith('/api/docs') ? docs : strict)(req, res, next);
}

/**
 * The web dashboard (dist/web, built by `npm run build`) at `/`: hashed assets cached for a year,
 * index.html, the service worker and the app manifest never; any other GET that is not the API, socket.io, /health or /metrics gets
 * index.html, so the client-side routes survive a reload. Absent a build, the API runs alone.
 */
function serveDashboard(app: INestApplication, dir: string): void {
  const index = join(dir, 'index.html');
  if (!existsSync(index)) {
    new NestLogger('Dashboard').warn(`no dashboard build in ${dir} (npm run build): serving the API only`);
    return;
  }
  const server = app.getHttpAdapter().getInstance() as Express;
  server.use(
    '/assets',
    expressStatic(join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: false }),
  );
  server.use(
    expressStatic(dir, {
      index: false,
      maxAge: '1h',
      // the service worker and its manifest name the release's files: always checked afresh
      setHeaders: (res, path) => {
        if (/(^|[\\/])(sw\.js|manifest\.webmanifest)$/.test(path)) res.setHeader('Cache-Control', 'no-cache');
      },
    }),
  );
  server.get(
    /^\/(?!api\/|api$|socket\.io|health|metrics).*/,
    (req: Request, res: Response, next: NextFunction) => {
      if (!req.accepts('html')) return next();
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(index);
    },
  );
}
