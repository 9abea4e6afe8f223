package org.rehab.security;

import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilderRuleOp;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilderRuleOpClassifier;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilderRuleOpClassifierFinished;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.RuleBuilder;
import ca.uhn.fhir.rest.server.provider.ProviderConstants;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.rehab.security.SmartScope.Permission;
import org.rehab.tenant.SharedDefinitions;

/**
 * Deny by default, with HAPI's rules: a caller reaches their own hospital's tenant only (any other answers 403,
 * whether or not what they asked for exists), within it what their SMART scopes grant (per interaction, and per
 * entry of a batch or transaction), confined to the patient's compartment for a patient or a {@code patient/}
 * scope. The shared catalog is readable by every caller; tenants, shared definitions and rule reloads are managed
 * by the platform's operators (who hold no hospital's data). The audit trail and alert endpoints are guarded by
 * {@link AdministeredResourcesInterceptor}.
 */
@Interceptor
public class SmartAuthorizationInterceptor extends AuthorizationInterceptor {

    static final String DEFAULT = ProviderConstants.DEFAULT_PARTITION_NAME;

    public SmartAuthorizationInterceptor() {
        super(PolicyEnum.DENY);
    }

    @Override
    public List<IAuthRule> buildRuleList(RequestDetails request) {
        RuleBuilder rules = new RuleBuilder();
        rules.allow("capability statement").metadata().andThen();
        Optional<Caller> caller = Callers.current();
        if (caller.isEmpty() || caller.get().kind() == Caller.Kind.NOBODY) {
            return rules.denyAll("This token grants no access: it is not a therapist's, an administrator's, a"
                            + " patient's or a hospital system's")
                    .build();
        }
        String tenant = request.getTenantId();
        if (DEFAULT.equals(tenant)) {
            return sharedDefinitions(caller.get(), rules);
        }
        if (!caller.get().hospital().map(tenant::equals).orElse(false)) {
            return rules.denyAll("This token is not for hospital " + tenant).build();
        }
        return hospital(caller.get(), rules);
    }

    private static List<IAuthRule> sharedDefinitions(Caller caller, RuleBuilder rules) {
        for (String type : SharedDefinitions.MANAGED_TYPES) {
            rules.allow("read the shared definitions")
                    .read()
                    .resourcesOfType(type)
                    .withAnyId()
                    .andThen();
            if (caller.kind() == Caller.Kind.PLATFORM) {
                rules.allow("manage the shared definitions")
                        .write()
                        .resourcesOfType(type)
                        .withAnyId()
                        .andThen();
            }
        }
        if (caller.kind() == Caller.Kind.ADMIN || caller.kind() == Caller.Kind.PLATFORM) {
            rules.allow("administrators read the rules in force")
                    .operation()
                    .named("$rules")
                    .onServer()
                    .andAllowAllResponses()
                    .andThen();
        }
        if (caller.kind() == Caller.Kind.PLATFORM) {
            rules.allow("the platform's audit trail")
                    .read()
                    .resourcesOfType("AuditEvent")
                    .withAnyId()
                    .andThen();
            for (String operation : List.of(
                    ProviderConstants.PARTITION_MANAGEMENT_CREATE_PARTITION,
                    ProviderConstants.PARTITION_MANAGEMENT_UPDATE_PARTITION,
                    ProviderConstants.PARTITION_MANAGEMENT_DELETE_PARTITION,
                    ProviderConstants.PARTITION_MANAGEMENT_READ_PARTITION,
                    ProviderConstants.PARTITION_MANAGEMENT_LIST_PARTITIONS,
                    "$reload-rules")) {
                rules.allow("the platform's operators manage tenants and the rules every hospital shares")
                        .operation()
                        .named(operation)
                        .onServer()
                        .andAllowAllResponses()
                        .andThen();
            }
        }
        return rules.denyAll("The DEFAULT tenant holds what every hospital shares: its definitions are readable by"
                        + " every caller; tenants, shared definitions and rule reloads are managed at platform level"
                        + " (realm role platform-admin)")
                .build();
    }

    private static List<IAuthRule> hospital(Caller caller, RuleBuilder rules) {
        rules.allow("the hospital's clinical criteria (no patient data)")
                .operation()
                .named("$clinical-criteria")
                .onServer()
                .andAllowAllResponses()
                .andThen();
        for (String type : SharedDefinitions.CATALOG_TYPES) {
            rules.allow("read the recommendation catalog")
                    .read()
                    .resourcesOfType(type)
                    .withAnyId()
                    .andThen();
        }
        for (SmartScope scope : caller.effectiveScopes()) {
            Optional<String> compartment = caller.compartmentOf(scope);
            Set<Permission> permissions = scope.permissions();
            if (permissions.contains(Permission.READ) || permissions.contains(Permission.SEARCH)) {
                confine(types(scope, rules.allow(scope.toString()).read()), compartment);
            }
            if (permissions.contains(Permission.CREATE) || permissions.contains(Permission.UPDATE)) {
                confine(types(scope, rules.allow(scope.toString()).write()), compartment);
            }
            if (permissions.contains(Permission.DELETE)) {
                confine(types(scope, rules.allow(scope.toString()).delete()), compartment);
            }
            if (permissions.contains(Permission.UPDATE)) {
                rules.allow(scope.toString()).patch().allRequests().andThen();
            }
        }
        operations(caller, rules);
        rules.allow("batches and transactions, entry by entry")
                .transaction()
                .withAnyOperation()
                .andApplyNormalRules()
                .andThen();
        return rules.denyAll("Not granted by this token's scopes").build();
    }

    private static void operations(Caller caller, RuleBuilder rules) {
        Optional<String> ownPatient = caller.kind() == Caller.Kind.PATIENT ? caller.patient() : Optional.empty();
        boolean anyPatient = caller.effectiveScopes().stream()
                .anyMatch(scope -> caller.compartmentOf(scope).isEmpty()
                        && scope.covers("ServiceRequest")
                        && scope.permissions().contains(Permission.CREATE));
        if (anyPatient) {
            rules.allow("$evaluate needs create rights on ServiceRequest")
                    .operation()
                    .named("$evaluate")
                    .onInstancesOfType(Patient.class)
                    .andAllowAllResponses()
                    .andThen();
        } else if (caller.permits("ServiceRequest", Permission.CREATE)) {
            caller.effectiveScopes().stream()
                    .map(caller::compartmentOf)
                    .flatMap(Optional::stream)
                    .findFirst()
                    .or(() -> ownPatient)
                    .ifPresent(patient -> rules.allow("$evaluate of the patient in context")
                            .operation()
                            .named("$evaluate")
                            .onInstance(new IdType("Patient", patient))
                            .andAllowAllResponses()
                            .andThen());
        }
        // A population evaluation's result names every patient with their recommendations: read rights on both too.
        boolean evaluatesPopulation = anyPatient
                && caller.kind() == Caller.Kind.ADMIN
                && caller.permits("Patient", Permission.READ)
                && caller.permits("ServiceRequest", Permission.READ);
        if (evaluatesPopulation) {
            rules.allow("administrators evaluate the hospital's population")
                    .operation()
                    .named("$evaluate")
                    .onType(Patient.class)
                    .andAllowAllResponses()
                    .andThen();
            if (caller.permits("Group", Permission.READ)) {
                rules.allow("administrators evaluate a Group's patients")
                        .operation()
                        .named("$evaluate")
                        .onInstancesOfType(Group.class)
                        .andAllowAllResponses()
                        .andThen();
            }
            rules.allow("administrators follow and cancel population evaluations")
                    .operation()
                    .named("$evaluate-status")
                    .onServer()
                    .andAllowAllResponses()
                    .andThen();
        }
        if (caller.permits("Patient", Permission.READ)) {
            rules.allow("$everything returns only what the token may read")
                    .operation()
                    .named("$everything")
                    .onInstancesOfType(Patient.class)
                    .andRequireExplicitResponseAuthorization()
                    .andThen();
        }
        boolean readsBeyondOnePatient = caller.effectiveScopes().stream()
                .anyMatch(scope -> caller.compartmentOf(scope).isEmpty()
                        && scope.permissions().contains(Permission.READ));
        if (readsBeyondOnePatient) {
            rules.allow("$meta of what the token may read")
                    .operation()
                    .named("$meta")
                    .atAnyLevel()
                    .andAllowAllResponses()
                    .andThen();
        }
        if (caller.exportsInBulk()) {
            bulkExport(rules);
        }
        if (caller.kind() != Caller.Kind.PATIENT && caller.permits("Communication", Permission.UPDATE)) {
            rules.allow("re-send a parked HL7 alert")
                    .operation()
                    .named("$resend")
                    .onInstancesOfType(Communication.class)
                    .andAllowAllResponses()
                    .andThen();
        }
    }

    /** Bulk Data $export of the whole hospital, of its patients or of a Group, and the status of the export. */
    private static void bulkExport(RuleBuilder rules) {
        String name = "Bulk Data export with system/*.read or system/*.rs";
        rules.allow(name).bulkExport().any().andThen();
        rules.allow(name)
                .operation()
                .named(ProviderConstants.OPERATION_EXPORT)
                .onServer()
                .andAllowAllResponses()
                .andThen();
        rules.allow(name)
                .operation()
                .named(ProviderConstants.OPERATION_EXPORT)
                .onType(Patient.class)
                .andAllowAllResponses()
                .andThen();
        rules.allow(name)
                .operation()
                .named(ProviderConstants.OPERATION_EXPORT)
                .onInstancesOfType(Group.class)
                .andAllowAllResponses()
                .andThen();
        rules.allow(name)
                .operation()
                .named(ProviderConstants.OPERATION_EXPORT_POLL_STATUS)
                .onServer()
                .andAllowAllResponses()
                .andThen();
    }

    private static IAuthRuleBuilderRuleOpClassifier types(SmartScope scope, IAuthRuleBuilderRuleOp operation) {
        return SmartScope.ANY_TYPE.equals(scope.resourceType())
                ? operation.allResources()
                : operation.resourcesOfType(scope.resourceType());
    }

    private static void confine(IAuthRuleBuilderRuleOpClassifier rule, Optional<String> patient) {
        IAuthRuleBuilderRuleOpClassifierFinished finished = patient.isPresent()
                ? rule.inCompartment("Patient", new IdType("Patient", patient.get()))
                : rule.withAnyId();
        finished.andThen();
    }
}
