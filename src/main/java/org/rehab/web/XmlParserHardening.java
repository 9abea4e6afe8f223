package org.rehab.web;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Closes external access for every JAXP parser in the process, the server's and its libraries' alike, before any
 * of them is created: no external DTD, entity, schema or stylesheet is fetched from a file or a URL (XXE, SSRF).
 * Runs first at every start, also under the tests (registered in {@code META-INF/spring.factories}).
 */
public class XmlParserHardening implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        apply();
    }

    static void apply() {
        // https://docs.oracle.com/en/java/javase/17/security/java-api-xml-processing-jaxp-security-guide.html
        System.setProperty("javax.xml.accessExternalDTD", "");
        System.setProperty("javax.xml.accessExternalSchema", "");
        System.setProperty("javax.xml.accessExternalStylesheet", "");
    }
}
