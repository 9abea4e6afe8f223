package org.rehab.recommendation;

import java.util.List;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;

/** Reads an {@code $evaluate} answer in tests. */
record EvaluationView(Parameters parameters) {

    record Item(String status, String rule, String explanation, ServiceRequest serviceRequest, Provenance provenance) {

        String code() {
            return serviceRequest.getCode().getCodingFirstRep().getCode();
        }
    }

    String summary() {
        return string("summary");
    }

    String ruleSetVersion() {
        return string("ruleSetVersion");
    }

    String facts() {
        return string("facts");
    }

    List<Item> recommendations() {
        return parameters.getParameter().stream()
                .filter(p -> p.getName().equals("recommendation"))
                .map(p -> new Item(
                        p.getPart().stream()
                                .filter(q -> q.getName().equals("status"))
                                .findFirst()
                                .orElseThrow()
                                .getValue()
                                .primitiveValue(),
                        part(p, "rule").getValue().primitiveValue(),
                        part(p, "explanation").getValue().primitiveValue(),
                        (ServiceRequest) part(p, "serviceRequest").getResource(),
                        p.getPart().stream()
                                .filter(q -> q.getName().equals("provenance"))
                                .findFirst()
                                .map(q -> (Provenance) q.getResource())
                                .orElse(null)))
                .toList();
    }

    List<String> codes() {
        return recommendations().stream().map(Item::code).sorted().toList();
    }

    List<String> statuses() {
        return recommendations().stream().map(Item::status).distinct().toList();
    }

    List<String> noLongerSupported() {
        return parameters.getParameter().stream()
                .filter(p -> p.getName().equals("noLongerSupported"))
                .map(p -> ((Reference) part(p, "serviceRequest").getValue()).getReference())
                .toList();
    }

    private String string(String name) {
        return parameters.getParameter(name).getValue().primitiveValue();
    }

    private static Parameters.ParametersParameterComponent part(
            Parameters.ParametersParameterComponent parameter, String name) {
        return parameter.getPart().stream()
                .filter(q -> q.getName().equals(name))
                .findFirst()
                .orElseThrow();
    }
}
