import { Inject, Injectable } from '@nestjs/common';
import { SYSTEM_PRINCIPAL } from '@liftwatch/access';
import { PassengerReportsService } from '@liftwatch/alarms';
import { Clock } from '@liftwatch/calendar';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import { NotFoundError } from '@liftwatch/contract';
import { InspectionsService } from '@liftwatch/maintenance';
import { ElevatorsService } from '@liftwatch/registry';
import { type Principal } from '@liftwatch/access';
import { codeSheetPdf } from './code-sheet';
import { type PassengerReportDto, type PublicElevatorView, type ReportReceived } from './public.dto';
import { PublicElevatorRepository, type PublicElevatorRow } from './public-elevator.repository';
import { ServiceStatusService } from '../service-status/service-status';

/** The car's public page (一梯一码) and the reports sent from it. No login; nothing personal. */
@Injectable()
export class PublicService {
  constructor(
    private readonly repo: PublicElevatorRepository,
    private readonly inspections: InspectionsService,
    private readonly elevators: ElevatorsService,
    private readonly reports: PassengerReportsService,
    private readonly clock: Clock,
    private readonly serviceStatus: ServiceStatusService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async elevator(registrationCode: string): Promise<PublicElevatorView> {
    const e = await this.find(registrationCode);
    const [status, service] = await Promise.all([
      this.inspections.status(SYSTEM_PRINCIPAL, e.id, 1),
      this.serviceStatus.of(e.id),
    ]);
    return {
      registrationCode: e.registration_code,
      rescueCode: e.rescue_code,
      emergencyHotline: this.config.emergencyHotline,
      place: e.place,
      manufacturer: e.manufacturer,
      model: e.model,
      status: e.status,
      maintenanceFirm: e.firm ? { name: e.firm, dutyPhone: e.firm_phone } : null,
      lastMaintainedOn: e.last_maintained_on,
      inspection: {
        state: status.state,
        validUntilMonth: status.next?.dueMonth ?? null,
        lastInspectedOn: status.lastPassing?.inspectedOn ?? null,
      },
      insured: e.insured,
      serviceStatus: service.status,
      inNormalService: service.inNormalService,
      maintenanceOverdue: service.maintenanceOverdue,
    };
  }

  async report(registrationCode: string, from: string, dto: PassengerReportDto): Promise<ReportReceived> {
    const e = await this.find(registrationCode);
    const r = await this.reports.report(e.id, from, dto);
    return { received: true, receivedAt: r.receivedAt, emergencyHotline: this.config.emergencyHotline };
  }

  /** The sheet for the car wall, for whoever sees the elevator; `origin` when PUBLIC_BASE_URL is unset. */
  async codeSheet(
    p: Principal,
    elevatorId: string,
    origin: string,
  ): Promise<{ pdf: Buffer; filename: string }> {
    const elevator = await this.elevators.get(p, elevatorId);
    const e = await this.find(elevator.registrationCode);
    const base = this.config.http.publicBaseUrl ?? origin;
    const pdf = await codeSheetPdf({
      url: `${base}/e/${e.registration_code}`,
      registrationCode: e.registration_code,
      rescueCode: e.rescue_code,
      place: e.place,
      emergencyHotline: this.config.emergencyHotline,
      firm: e.firm,
      firmPhone: e.firm_phone,
    });
    return { pdf, filename: `code-sheet-${e.registration_code}.pdf` };
  }

  private async find(registrationCode: string): Promise<PublicElevatorRow> {
    const e = await this.repo.byRegistrationCode(registrationCode, this.clock.today(), this.clock.timeZone);
    if (!e || e.status === 'decommissioned') throw new NotFoundError('Elevator', registrationCode);
    return e;
  }
}
