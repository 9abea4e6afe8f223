package org.rehab.hl7;

import org.hl7.fhir.r4.model.Endpoint;

/**
 * The message an endpoint takes: OMG^O19 (general clinical order, the default) or the older ORM^O01, chosen by an
 * {@code Endpoint.payloadType} coding of HL7 table 0076 ({@code http://terminology.hl7.org/CodeSystem/v2-0076|ORM}).
 */
public enum MessageType {
    OMG_O19("OMG", "O19"),
    ORM_O01("ORM", "O01");

    static final String TABLE_0076 = "http://terminology.hl7.org/CodeSystem/v2-0076";

    final String code;
    final String trigger;

    MessageType(String code, String trigger) {
        this.code = code;
        this.trigger = trigger;
    }

    static MessageType of(Endpoint endpoint) {
        boolean orm = endpoint.getPayloadType().stream()
                .flatMap(type -> type.getCoding().stream())
                .anyMatch(coding -> TABLE_0076.equals(coding.getSystem()) && "ORM".equals(coding.getCode()));
        return orm ? ORM_O01 : OMG_O19;
    }
}
