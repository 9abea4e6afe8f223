package org.rehab.cdshooks;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;

/**
 * A CDS Hooks service request (CDS Hooks 2.0, "HTTP Request"), read from hostile JSON: the hook, its instance, the
 * context, the optional FHIR server and authorization, and the prefetched resources. Resources are read as FHIR R4
 * leniently (an EHR's extensions and unknown elements are not a reason to refuse), and anything malformed is a 400
 * that says what.
 */
record HookCall(
        String hook,
        String hookInstance,
        Optional<String> fhirServer,
        Optional<FhirAuthorization> fhirAuthorization,
        JsonNode context,
        Map<String, Resource> prefetch) {

    /** The token a CDS client grants for its FHIR server, with the scopes it says the token carries. */
    record FhirAuthorization(String accessToken, String scope) {}

    static HookCall read(String body, ObjectMapper json, FhirContext fhir) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("The body is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRequestException("The body is not a CDS Hooks request: a JSON object is expected");
        }
        JsonNode context = root.get("context");
        if (context == null || !context.isObject()) {
            throw new InvalidRequestException("The request has no context object");
        }
        IParser parser = fhir.newJsonParser().setParserErrorHandler(new LenientErrorHandler(false));
        Map<String, Resource> prefetch = new HashMap<>();
        JsonNode prefetched = root.get("prefetch");
        if (prefetched != null && prefetched.isObject()) {
            prefetched.fields().forEachRemaining(entry -> {
                if (entry.getValue().isObject()) { // null: the client could not fetch it
                    prefetch.put(entry.getKey(), resource(parser, entry.getValue(), "prefetch." + entry.getKey()));
                }
            });
        }
        return new HookCall(
                requiredText(root, "hook"),
                requiredText(root, "hookInstance"),
                optionalText(root, "fhirServer"),
                authorization(root.get("fhirAuthorization")),
                context,
                prefetch);
    }

    /** A string of the context, required by the hook. */
    String contextText(String name) {
        JsonNode value = context.get(name);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new InvalidRequestException("The " + hook + " context needs " + name + " as a string");
        }
        return value.asText();
    }

    /** The context's patient, if it names one by a valid FHIR id. */
    Optional<String> patientId() {
        JsonNode value = context.get("patientId");
        return value != null && value.isTextual() && new IdType("Patient", value.asText()).isIdPartValid()
                ? Optional.of(value.asText())
                : Optional.empty();
    }

    /** Strings of the context; empty if it has none. */
    List<String> contextTexts(String name) {
        List<String> texts = new ArrayList<>();
        JsonNode value = context.get(name);
        if (value != null && value.isArray()) {
            value.forEach(item -> {
                if (item.isTextual()) {
                    texts.add(item.asText());
                }
            });
        }
        return texts;
    }

    /** A FHIR resource of the context, read as the prefetch is. */
    Optional<Resource> contextResource(String name, FhirContext fhir) {
        JsonNode value = context.get(name);
        if (value == null || !value.isObject()) {
            return Optional.empty();
        }
        IParser parser = fhir.newJsonParser().setParserErrorHandler(new LenientErrorHandler(false));
        return Optional.of(resource(parser, value, "context." + name));
    }

    private static Resource resource(IParser parser, JsonNode node, String where) {
        try {
            if (parser.parseResource(node.toString()) instanceof Resource resource) {
                return resource;
            }
        } catch (DataFormatException e) {
            throw new InvalidRequestException(where + " is not a FHIR R4 resource: " + e.getMessage());
        }
        throw new InvalidRequestException(where + " is not a FHIR R4 resource");
    }

    private static Optional<FhirAuthorization> authorization(JsonNode node) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            throw new InvalidRequestException("fhirAuthorization must be an object");
        }
        return Optional.of(new FhirAuthorization(
                requiredText(node, "access_token"), optionalText(node, "scope").orElse("")));
    }

    private static String requiredText(JsonNode node, String name) {
        return optionalText(node, name)
                .orElseThrow(() -> new InvalidRequestException("The request needs " + name + " as a string"));
    }

    private static Optional<String> optionalText(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value != null && value.isTextual() && !value.asText().isBlank()
                ? Optional.of(value.asText())
                : Optional.empty();
    }
}
