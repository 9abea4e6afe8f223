package org.rehab.hl7;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Endpoint;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.rehab.tenant.RequestTenants;
import org.springframework.stereotype.Component;

/**
 * Builds a recorded alert request into one message per endpoint: the recommendation as it was written, the
 * patient and the triggering finding as they are now. Runs in no transaction of ours; any failure is the
 * caller's to park.
 */
@Component
class AlertComposer {

    private final DaoRegistry daos;
    private final Hl7Settings settings;
    private final FhirContext fhir;
    private final AlertMessageBuilder builder;

    AlertComposer(DaoRegistry daos, Hl7Settings settings, FhirContext fhir, Clock clock) {
        this.daos = daos;
        this.settings = settings;
        this.fhir = fhir;
        this.builder = new AlertMessageBuilder(clock.getZone());
    }

    /** One alert per endpoint, numbered in the order given (the endpoints' ids), none if there is no endpoint. */
    List<Alert> compose(AlertRequest request, List<Endpoint> endpoints) {
        if (endpoints.isEmpty()) {
            return List.of();
        }
        ServiceRequest recommendation =
                fhir.newJsonParser().parseResource(ServiceRequest.class, request.serviceRequest());
        Patient patient = daos.getResourceDao(Patient.class)
                .read(new IdType("Patient", request.patientId()), RequestTenants.systemRequestIn(request.tenant()));
        Coding reason = reasonForStudy(recommendation, request.tenant());
        OrderControl control = OrderControl.of(request.orderControl());
        List<Alert> alerts = new ArrayList<>();
        for (int number = 0; number < endpoints.size(); number++) {
            Endpoint endpoint = endpoints.get(number);
            String controlId = request.controlIdFor(number);
            AlertMessageBuilder.Header header = new AlertMessageBuilder.Header(
                    controlId,
                    settings.sendingApplication(),
                    settings.sendingFacility(request.tenant()),
                    endpoint.getName(),
                    endpoint.getManagingOrganization().getDisplay(),
                    settings.processingId(),
                    request.createdAt());
            String message = builder.build(
                    MessageType.of(endpoint),
                    Hl7Charset.of(endpoint),
                    control,
                    header,
                    patient,
                    recommendation,
                    reason);
            alerts.add(request.toEndpoint(number, endpoint.getIdElement().getIdPart(), message));
        }
        return alerts;
    }

    /** OBR-31: the code of the finding that triggered the recommendation (its first evidence). */
    private Coding reasonForStudy(ServiceRequest request, String tenant) {
        Reference evidence = request.hasReasonReference()
                ? request.getReasonReferenceFirstRep()
                : request.getSupportingInfoFirstRep();
        if (!evidence.hasReference()) {
            return null;
        }
        IdType id = new IdType(evidence.getReference());
        try {
            Resource resource = (Resource) daos.getResourceDao(id.getResourceType())
                    .read(id.toUnqualifiedVersionless(), RequestTenants.systemRequestIn(tenant));
            if (resource instanceof Condition condition) {
                return condition.getCode().getCodingFirstRep();
            }
            if (resource instanceof Observation observation) {
                return observation.getCode().getCodingFirstRep();
            }
            if (resource instanceof Procedure procedure) {
                return procedure.getCode().getCodingFirstRep();
            }
            return null;
        } catch (ResourceNotFoundException | ResourceGoneException e) {
            return null;
        }
    }
}
