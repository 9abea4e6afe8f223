package org.rehab.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.util.Date;
import java.util.Locale;
import java.util.Set;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;
import org.rehab.security.Callers;
import org.rehab.security.RefusedRequests;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Records as AuditEvents what HAPI's Basic Audit Log Patterns interceptor does not: refused access (outcome
 * {@code 4}, minor failure), a 403 decided inside HAPI or a 401 decided by Spring Security before HAPI sees the
 * request; and operations such as {@code $evaluate}, whose reads and writes the server makes on its own account.
 */
@Interceptor
public class AccessAudit implements RefusedRequests {

    private static final String AUDIT_TYPES = "http://terminology.hl7.org/CodeSystem/audit-event-type";
    private static final String INTERACTIONS = "http://hl7.org/fhir/restful-interaction";

    private static final Set<String> INTERACTION_CODES = Set.of(
            "read",
            "vread",
            "update",
            "patch",
            "delete",
            "history",
            "history-instance",
            "history-type",
            "history-system",
            "create",
            "search",
            "search-type",
            "search-system",
            "capabilities",
            "transaction",
            "batch",
            "operation");

    private final AuditTrail trail;
    private final String publicBase;

    public AccessAudit(AuditTrail trail, String publicBase) {
        this.trail = trail;
        this.publicBase = publicBase;
    }

    @Hook(Pointcut.SERVER_PROCESSING_COMPLETED_NORMALLY)
    public void recordOperation(ServletRequestDetails request) {
        RestOperationTypeEnum type = request.getRestOperationType();
        if (type != RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE
                && type != RestOperationTypeEnum.EXTENDED_OPERATION_TYPE
                && type != RestOperationTypeEnum.EXTENDED_OPERATION_SERVER) {
            return;
        }
        boolean onInstance = request.getId() != null && request.getId().hasIdPart();
        String target = onInstance ? request.getId().toUnqualifiedVersionless().getValue() : request.getResourceName();
        AuditEvent event = event(
                request.getFhirServerBase(),
                request.getRequestType().name(),
                "operation",
                request.getOperation() + (target != null ? " on " + target : ""),
                request.getServletRequest().getRemoteAddr(),
                null);
        if (onInstance) {
            event.getEntityFirstRep().getWhat().setReference(publicBase + "/" + request.getTenantId() + "/" + target);
        }
        trail.record(request.getTenantId(), event);
    }

    @Hook(Pointcut.SERVER_HANDLE_EXCEPTION)
    public boolean recordRefusal(RequestDetails request, BaseServerResponseException exception) {
        if (exception instanceof ForbiddenOperationException || exception instanceof AuthenticationException) {
            String what = request.getId() != null && request.getId().hasIdPart()
                    ? request.getId().toUnqualifiedVersionless().getValue()
                    : request.getResourceName();
            trail.record(
                    request.getTenantId(),
                    event(
                            request.getFhirServerBase(),
                            request.getRequestType().name(),
                            interaction(request),
                            what,
                            request instanceof ServletRequestDetails servlet
                                    ? servlet.getServletRequest().getRemoteAddr()
                                    : null,
                            exception.getStatusCode() + " " + exception.getMessage()));
        }
        return true;
    }

    @Override
    public void unauthenticated(String tenant, String fhirBase, String method, String remoteAddress, String reason) {
        trail.record(tenant, event(fhirBase, method, null, null, remoteAddress, "401 " + reason));
    }

    private static AuditEvent event(
            String fhirBase, String method, String interaction, String what, String address, String outcome) {
        AuditEvent event = new AuditEvent();
        event.setType(new Coding(AUDIT_TYPES, "rest", "RESTful Operation"));
        if (interaction != null) {
            event.addSubtype(new Coding(INTERACTIONS, interaction, null));
        }
        event.setAction(action(method));
        event.setRecorded(new Date());
        if (outcome == null) {
            event.setOutcome(AuditEvent.AuditEventOutcome._0);
        } else {
            event.setOutcome(AuditEvent.AuditEventOutcome._4);
            event.setOutcomeDesc(outcome);
        }
        AuditEvent.AuditEventAgentComponent user = event.addAgent().setRequestor(true);
        Callers.currentToken()
                .ifPresentOrElse(
                        token -> {
                            user.setWho(AuditContext.user(token));
                            client(event, token);
                        },
                        () -> user.setWho(new Reference().setDisplay("no valid access token")));
        user.getNetwork().setAddress(address).setType(AuditEvent.AuditEventAgentNetworkType._2);
        event.getSource().setObserver(new Reference().setDisplay(fhirBase));
        if (what != null) {
            event.addEntity().setWhat(new Reference().setDisplay(what));
        }
        return event;
    }

    private static void client(AuditEvent event, Jwt token) {
        event.addAgent().setRequestor(false).setWho(new Reference().setDisplay(token.getClaimAsString("azp")));
    }

    /** The restful-interaction code, for the interactions that code system names (not operations). */
    private static String interaction(RequestDetails request) {
        if (request.getRestOperationType() == null) {
            return null;
        }
        String code = request.getRestOperationType().getCode();
        return INTERACTION_CODES.contains(code) ? code : "operation";
    }

    private static AuditEvent.AuditEventAction action(String method) {
        return switch (method.toUpperCase(Locale.ROOT)) {
            case "POST" -> AuditEvent.AuditEventAction.C;
            case "PUT", "PATCH" -> AuditEvent.AuditEventAction.U;
            case "DELETE" -> AuditEvent.AuditEventAction.D;
            default -> AuditEvent.AuditEventAction.R;
        };
    }
}
