import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ACCESS_OPTIONS, type AccessOptions } from './access.options';
import { AuditController } from './audit/audit.controller';
import { AuditService } from './audit/audit.service';
import { AuthController } from './auth/auth.controller';
import { AuthGuard } from './auth/auth.guard';
import { AuthService } from './auth/auth.service';
import { LoginThrottle } from './auth/login-throttle';
import { ScopeProbes } from './auth/scope-probes';
import { UsersController } from './users/users.controller';
import { UsersRepository } from './users/users.repository';
import { UsersService } from './users/users.service';

@Global()
@Module({})
export class AccessModule {
  /** `http: false` keeps the services (token checks) without the REST endpoints (ingest role). */
  static forRoot(options: AccessOptions, http = true): DynamicModule {
    return {
      module: AccessModule,
      imports: [
        DiscoveryModule,
        JwtModule.register({ secret: options.jwtSecret, signOptions: { algorithm: 'HS256' } }),
      ],
      controllers: http ? [AuthController, UsersController, AuditController] : [],
      providers: [
        { provide: ACCESS_OPTIONS, useValue: options },
        AuthService,
        LoginThrottle,
        ScopeProbes,
        UsersRepository,
        UsersService,
        AuditService,
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [AuditService, UsersService, AuthService, ScopeProbes],
    };
  }
}
