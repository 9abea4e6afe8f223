package org.rehab.conformance;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.validation.JpaValidationSupportChain;
import ca.uhn.fhir.parser.LenientErrorHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.common.hapi.validation.support.NpmPackageValidationSupport;
import org.hl7.fhir.utilities.npm.NpmPackage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * FHIR implementation guides a hospital puts in the packages folder ({@code rehab.fhir.implementation-guides},
 * default {@code fhir-packages/}) as NPM packages ({@code .tgz}, as published on packages.fhir.org, e.g. US Core):
 * read at start into HAPI's {@link NpmPackageValidationSupport}, so that resources claiming their profiles are
 * validated against them, with their extensions, value sets and code systems. A package that cannot be read stops
 * the start: a hospital that adds a guide expects it to be enforced.
 */
@Component
class ImplementationGuidePackages {

    private static final Logger log = LoggerFactory.getLogger(ImplementationGuidePackages.class);

    ImplementationGuidePackages(
            FhirContext fhirContext,
            JpaValidationSupportChain validationSupport,
            @Value("${rehab.fhir.implementation-guides:fhir-packages}") Path folder) {
        validationSupport.addValidationSupport(0, load(fhirContext, folder));
        validationSupport.invalidateCaches();
    }

    static NpmPackageValidationSupport load(FhirContext fhirContext, Path folder) {
        NpmPackageValidationSupport support = new NpmPackageValidationSupport(fhirContext);
        if (!Files.isDirectory(folder)) {
            return support;
        }
        List<Path> packages;
        try (Stream<Path> files = Files.list(folder)) {
            packages = files.filter(file -> file.getFileName().toString().endsWith(".tgz"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the implementation guide packages in " + folder, e);
        }
        for (Path file : packages) {
            try (InputStream in = Files.newInputStream(file)) {
                NpmPackage npm = NpmPackage.fromPackage(in);
                int count = addResources(fhirContext, support, npm);
                log.info(
                        "Loaded implementation guide {}#{} ({} definitions) from {}",
                        npm.name(),
                        npm.version(),
                        count,
                        file.getFileName());
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException(
                        "Cannot read the implementation guide package " + file
                                + " (an NPM package .tgz as published on packages.fhir.org is expected)",
                        e);
            }
        }
        return support;
    }

    private static int addResources(FhirContext fhirContext, NpmPackageValidationSupport support, NpmPackage npm)
            throws IOException {
        var folder = npm.getFolders().get("package");
        if (folder == null) {
            throw new IOException("no package/ folder");
        }
        var parser = fhirContext.newJsonParser().setParserErrorHandler(new LenientErrorHandler(false));
        int count = 0;
        for (String name : folder.listFiles()) {
            if (!name.endsWith(".json") || name.equals("package.json") || name.startsWith(".")) {
                continue;
            }
            String json = new String(folder.getContent().get(name), StandardCharsets.UTF_8);
            if (!json.contains("\"resourceType\"")) {
                continue;
            }
            support.addResource(parser.parseResource(json));
            count++;
        }
        return count;
    }
}
