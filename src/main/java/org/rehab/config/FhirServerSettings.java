package org.rehab.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/** Settings of the FHIR REST endpoint. */
@ConfigurationProperties("rehab.fhir")
record FhirServerSettings(@DefaultValue("20MB") DataSize maxRequestSize) {}
