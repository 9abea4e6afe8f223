package org.rehab.demo;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads the demo patients 102, 105 and 108 into a tenant as one FHIR transaction, with dates relative to today
 * so that the data never goes stale. Needs only a JDK:
 *
 * <pre>java src/demo/LoadDemoData.java [tenant base URL, default http://localhost:8080/fhir/north]</pre>
 *
 * Loading twice updates the same resources (fixed ids), it does not duplicate them.
 */
public class LoadDemoData {

    /** FHIR dateTime with seconds always present ({@code OffsetDateTime.toString()} drops ":00"). */
    private static final DateTimeFormatter FHIR_DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");

    private static final Pattern RELATIVE_DATE = Pattern.compile("\\{\\{(date|dateTime):-(\\d+)([dy])}}");

    public static void main(String[] args) throws Exception {
        String base = args.length > 0 ? args[0] : "http://localhost:8080/fhir/north";
        Path template = Path.of(args.length > 1 ? args[1] : "src/demo/demo-patients.json");
        String bundle = withDates(Files.readString(template), OffsetDateTime.now(ZoneOffset.UTC));

        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base))
                .header("Content-Type", "application/fhir+json")
                .header("Accept", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(bundle));
        // With security on: an access token of the hospital's EHR with write scopes, e.g. system/*.cruds.
        String token = System.getenv("FHIR_ACCESS_TOKEN");
        if (token != null && !token.isBlank()) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response;
        try {
            response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            System.err.println("No server answers at " + base
                    + ". Start it first with REHAB_SECURITY_ENABLED=false ./mvnw spring-boot:run");
            System.exit(1);
            return;
        }
        if (response.statusCode() != 200) {
            System.err.println("Loading the demo data into " + base + " failed with HTTP " + response.statusCode());
            System.err.println(response.body());
            System.exit(1);
        }
        long entries = Pattern.compile("\"response\"")
                .matcher(response.body())
                .results()
                .count();
        System.out.println("Loaded " + entries + " demo resources (patients 102, 105, 108) into " + base);
    }

    /** Replaces {{date:-72y}} and {{dateTime:-20d}} with dates that many years or days before now. */
    public static String withDates(String template, OffsetDateTime now) {
        Matcher matcher = RELATIVE_DATE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            long amount = Long.parseLong(matcher.group(2));
            OffsetDateTime when = matcher.group(3).equals("y") ? now.minusYears(amount) : now.minusDays(amount);
            String value =
                    matcher.group(1).equals("date") ? LocalDate.from(when).toString() : FHIR_DATE_TIME.format(when);
            matcher.appendReplacement(out, value);
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
