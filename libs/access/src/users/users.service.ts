import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { ConflictError, type FieldProblem, InvalidInputError, NotFoundError } from '@liftwatch/contract';
import { ACCESS_OPTIONS, type AccessOptions } from '../access.options';
import { AuditService } from '../audit/audit.service';
import { hashPassword } from '../auth/password.util';
import { type Principal, SYSTEM_PRINCIPAL } from '../auth/principal';
import { type CreateUserDto, type UpdateUserDto, UserView } from './dto/user.dto';
import { roleBindingProblems } from './role-binding.util';
import { type UserEntity } from './user.entity';
import { type UserFields, type UserFilter, UsersRepository } from './users.repository';

const ORGANISATION_KIND_FOR_ROLE: Partial<Record<string, string>> = {
  firm: 'maintenance_firm',
  technician: 'maintenance_firm',
  insurer: 'insurer',
};

@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly audit: AuditService,
    @Inject(ACCESS_OPTIONS) private readonly options: AccessOptions,
  ) {}

  async get(id: string): Promise<UserEntity> {
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundError('User', id);
    return user;
  }

  /** A page of users, each with the name of what it is bound to. */
  async list(f: UserFilter): Promise<[UserView[], number]> {
    const [users, total] = await this.users.list(f);
    const names = await this.users.bindingNames(users.map((u) => u.id));
    return [users.map((u) => UserView.of(u, names.get(u.id) ?? null)), total];
  }

  async create(actor: Principal, dto: CreateUserDto): Promise<UserEntity> {
    const problems: FieldProblem[] = roleBindingProblems(dto.role, dto);
    if (problems.length === 0) {
      const targets = await this.users.bindingTargets(dto);
      const expectedKind = ORGANISATION_KIND_FOR_ROLE[dto.role];
      if (expectedKind && targets.organisationKind !== expectedKind) {
        problems.push({
          field: 'organisationId',
          messages: [
            targets.organisationKind
              ? `organisation is a ${targets.organisationKind}, role ${dto.role} needs a ${expectedKind}`
              : 'organisation does not exist',
          ],
        });
      }
      if (dto.ownerId && !targets.ownerExists)
        problems.push({ field: 'ownerId', messages: ['owner does not exist'] });
      if (dto.unitId && !targets.unitExists)
        problems.push({ field: 'unitId', messages: ['unit does not exist'] });
      if (dto.role === 'technician' && !dto.certificateNumber)
        problems.push({
          field: 'certificateNumber',
          messages: ['certificateNumber is required for role technician'],
        });
      if (dto.regionCode && !targets.regionExists) {
        problems.push({ field: 'regionCode', messages: ['region does not exist'] });
      }
    }
    if (problems.length > 0) throw new InvalidInputError(problems);
    if (await this.users.usernameTaken(dto.username)) {
      throw new ConflictError('USERNAME_TAKEN', `username ${dto.username} is taken`);
    }
    const passwordHash = await hashPassword(dto.password, this.options.passwordHash);
    return this.users.transaction(async (em) => {
      const user = await this.users.insert(em, {
        username: dto.username,
        passwordHash,
        displayName: dto.displayName,
        role: dto.role,
        organisationId: dto.organisationId ?? null,
        ownerId: dto.ownerId ?? null,
        unitId: dto.unitId ?? null,
        regionCode: dto.regionCode ?? null,
        certificateNumber: dto.certificateNumber ?? null,
        phone: dto.phone ?? null,
        locale: dto.locale ?? 'zh-CN',
      });
      const { password: _password, ...rest } = dto;
      await this.audit.record(em, actor, 'user.create', 'user', user.id, { after: rest });
      return user;
    });
  }

  async update(actor: Principal, id: string, dto: UpdateUserDto): Promise<UserEntity> {
    const before = await this.get(id);
    if (dto.disabled === true && id === actor.userId) {
      throw InvalidInputError.field('disabled', 'you cannot disable your own account');
    }
    const patch: UserFields = {};
    if (dto.displayName !== undefined) patch.displayName = dto.displayName;
    if (dto.locale !== undefined) patch.locale = dto.locale;
    if (dto.phone !== undefined) patch.phone = dto.phone;
    if (dto.certificateNumber !== undefined) patch.certificateNumber = dto.certificateNumber;
    if (dto.password !== undefined)
      patch.passwordHash = await hashPassword(dto.password, this.options.passwordHash);
    if (dto.disabled !== undefined) patch.disabledAt = dto.disabled ? new Date() : null;
    return this.users.transaction(async (em) => {
      const after = await this.users.update(em, id, patch);
      await this.audit.record(em, actor, 'user.update', 'user', id, {
        before: {
          displayName: before.displayName,
          locale: before.locale,
          disabled: before.disabledAt !== null,
        },
        after: {
          displayName: after.displayName,
          locale: after.locale,
          disabled: after.disabledAt !== null,
          passwordChanged: dto.password !== undefined,
        },
      });
      return after;
    });
  }

  /**
   * On an empty platform, creates the first admin so someone can log in. Uses ADMIN_PASSWORD when
   * set; otherwise generates one and logs it once.
   */
  async ensureFirstAdmin(configuredPassword: string | undefined): Promise<void> {
    if ((await this.users.countAdmins()) > 0) return;
    const password = configuredPassword ?? randomBytes(12).toString('base64url');
    const passwordHash = await hashPassword(password, this.options.passwordHash);
    try {
      await this.users.transaction(async (em) => {
        const user = await this.users.insert(em, {
          username: 'admin',
          passwordHash,
          displayName: 'Platform administrator',
          role: 'admin',
          locale: 'zh-CN',
        });
        await this.audit.record(em, SYSTEM_PRINCIPAL, 'user.create', 'user', user.id, {
          after: { username: 'admin' },
        });
      });
    } catch (err) {
      // Processes of one deployment starting together: another one created it first.
      const code = (err as { driverError?: { code?: string }; code?: string }).driverError?.code;
      if ((code ?? (err as { code?: string }).code) === '23505' && (await this.users.countAdmins()) > 0)
        return;
      throw err;
    }
    if (configuredPassword) {
      this.logger.log('created the first admin user "admin" with ADMIN_PASSWORD');
    } else {
      this.logger.warn(
        `created the first admin user "admin" with generated password: ${password} (shown once)`,
      );
    }
  }
}
