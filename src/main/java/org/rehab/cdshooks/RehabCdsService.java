package org.rehab.cdshooks;

import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceJson;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServicesJson;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** The CDS Hooks services each hospital offers, as its discovery endpoint lists them. */
enum RehabCdsService {
    RECOMMENDATIONS(
            "rehab-recommendations",
            "patient-view",
            "Rehabilitation recommendations",
            "What the hospital's rehabilitation rules recommend for the patient now: physical therapy, weight"
                    + " management, a post-operative rehabilitation plan, with the evidence and a proposal to create.",
            Map.of(
                    PrefetchKeys.PATIENT,
                    "Patient/{{context.patientId}}",
                    PrefetchKeys.CONDITIONS,
                    "Condition?patient={{context.patientId}}&clinical-status=active,recurrence,relapse",
                    PrefetchKeys.OBSERVATIONS,
                    "Observation?patient={{context.patientId}}"
                            + "&code=http://loinc.org|39156-5,http://loinc.org|8302-2,http://loinc.org|29463-7"
                            + "&_sort=-date",
                    PrefetchKeys.PROCEDURES,
                    "Procedure?patient={{context.patientId}}&status=completed"
                            + "&_include=Procedure:encounter&_include=Procedure:performer")),
    DUPLICATE_ORDER_SELECT(
            "rehab-duplicate-order-select",
            "order-select",
            "Rehabilitation order already proposed",
            "Warns when a selected ServiceRequest orders what an active rehabilitation recommendation already"
                    + " proposes for the patient.",
            Map.of()),
    DUPLICATE_ORDER_SIGN(
            "rehab-duplicate-order-sign",
            "order-sign",
            "Rehabilitation order already proposed",
            "Warns, before signing, when a ServiceRequest orders what an active rehabilitation recommendation"
                    + " already proposes for the patient.",
            Map.of());

    private final String id;
    private final String hook;
    private final String title;
    private final String description;
    private final Map<String, String> prefetch;

    RehabCdsService(String id, String hook, String title, String description, Map<String, String> prefetch) {
        this.id = id;
        this.hook = hook;
        this.title = title;
        this.description = description;
        this.prefetch = prefetch;
    }

    String id() {
        return id;
    }

    String hook() {
        return hook;
    }

    static Optional<RehabCdsService> byId(String id) {
        return Stream.of(values()).filter(service -> service.id.equals(id)).findFirst();
    }

    static CdsServicesJson discovery() {
        CdsServicesJson services = new CdsServicesJson();
        for (RehabCdsService service : values()) {
            CdsServiceJson json = new CdsServiceJson()
                    .setId(service.id)
                    .setHook(service.hook)
                    .setTitle(service.title)
                    .setDescription(service.description);
            service.prefetch.entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(entry -> json.addPrefetch(entry.getKey(), entry.getValue()));
            services.addService(json);
        }
        return services;
    }

    /** The prefetch keys of {@link #RECOMMENDATIONS}. */
    static final class PrefetchKeys {
        static final String PATIENT = "patient";
        static final String CONDITIONS = "conditions";
        static final String OBSERVATIONS = "observations";
        static final String PROCEDURES = "procedures";

        private PrefetchKeys() {}
    }
}
