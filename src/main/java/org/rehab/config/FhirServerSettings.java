package org.rehab.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the FHIR REST endpoint: the largest request, what one search may ask of the database, and the public
 * base URL that links and locations are written under (never the client's Host header).
 */
@ConfigurationProperties("rehab.fhir")
record FhirServerSettings(
        @DefaultValue("90MB") DataSize maxRequestSize,
        @DefaultValue("30") int maxSearchParameters,
        @DefaultValue("100") int maxOrValues,
        @DefaultValue("60s") Duration queryTimeout,
        String publicBaseUrl) {}
