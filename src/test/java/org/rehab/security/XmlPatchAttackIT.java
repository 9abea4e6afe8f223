package org.rehab.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.SecuredServerIT;

/**
 * Finding 1 (XXE) and the XML Patch part of finding 11: an XML Patch is parsed without DTDs or external entities,
 * so a patient cannot make the server read its files or fetch URLs, and a patch that does not apply is a 4xx.
 */
class XmlPatchAttackIT extends SecuredServerIT {

    private static final String XML_PATCH = "application/xml-patch+xml";

    private String patient;

    @BeforeEach
    void signIn() {
        hospitalsWithPatients();
        patient = tokens.userToken("patient-108", "openid launch/patient patient/*.cruds");
    }

    @Test
    void xmlPatchWithAnExternalFileEntityCannotReadServerFiles() {
        HttpResponse<String> response = patch(entityPatch("file:///etc/passwd"));

        assertRefused(response, 400, "DOCTYPE");
        assertThat(get("/fhir/north/Patient/108", patient).body()).doesNotContain("root:");
    }

    @Test
    void xmlPatchWithAnExternalUrlEntityFetchesNothing() throws IOException {
        AtomicInteger fetched = new AtomicInteger();
        HttpServer target = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        target.createContext("/", exchange -> {
            fetched.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        target.start();
        try {
            HttpResponse<String> response =
                    patch(entityPatch("http://127.0.0.1:" + target.getAddress().getPort() + "/secret"));

            assertRefused(response, 400, "DOCTYPE");
            assertThat(fetched).hasValue(0);
        } finally {
            target.stop(0);
        }
    }

    @Test
    void xmlPatchWhoseSelectorMatchesNothingIs422() {
        String nowhere = "<diff><replace sel=\"/Patient/nothing/here/@value\">x</replace></diff>";

        assertRefused(patch(nowhere), 422, "XML Patch");
    }

    @Test
    void malformedXmlPatchIs400() {
        assertRefused(patch("<diff><replace sel=\"/Patient/name"), 400, "XML Patch");
    }

    private static String entityPatch(String systemId) {
        return "<?xml version=\"1.0\"?><!DOCTYPE diff [<!ENTITY x SYSTEM \"" + systemId + "\">]>"
                + "<diff xmlns:f=\"http://hl7.org/fhir\"><add sel=\"/f:Patient\"><f:name><f:text value=\"&x;\"/>"
                + "</f:name></add></diff>";
    }

    private HttpResponse<String> patch(String body) {
        return exchange(request("/fhir/north/Patient/108")
                .header("Authorization", "Bearer " + patient)
                .header("Accept", "application/fhir+json")
                .header("Content-Type", XML_PATCH)
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)));
    }
}
