package org.rehab.audit;

import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.storage.interceptor.balp.BalpAuditCaptureInterceptor;
import org.rehab.security.SecuritySettings;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The audit trail: HAPI's Basic Audit Log Patterns interceptor for every successful read, search, create, update
 * and delete, and {@link AccessAudit} for refusals, both stored by {@link AuditTrail}.
 */
@Configuration
class AuditConfig {

    @Bean
    BalpAuditCaptureInterceptor auditCapture(
            AuditTrail trail, SecuritySettings security, JpaStorageSettings storageSettings) {
        // Audit entries name resources under the public FHIR base; stored as logical references.
        storageSettings.addTreatReferencesAsLogical(security.audience() + "/*");
        return new BalpAuditCaptureInterceptor(trail, new AuditContext(security.audience()));
    }

    @Bean
    AccessAudit accessAudit(AuditTrail trail, SecuritySettings security) {
        return new AccessAudit(trail, security.audience());
    }
}
