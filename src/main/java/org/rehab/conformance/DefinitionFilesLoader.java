package org.rehab.conformance;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * Loads the shared definitions in {@code fhir-profiles/} (profiles, the recommendation catalog) into the DEFAULT
 * partition at start, where every tenant can read them. A missing definition is created. An existing one is
 * replaced only if it was loaded from an older version of its file: a definition edited over FHIR REST is kept
 * until its file changes. Each loaded version carries its file and content hash in {@code meta.source}.
 */
@Component
@Order(1)
class DefinitionFilesLoader implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(DefinitionFilesLoader.class);
    private static final String LOCATION = "classpath*:fhir-profiles/*.json";
    private static final String SOURCE_PREFIX = "urn:rehab:fhir-profiles:";

    private final FhirContext fhirContext;
    private final DaoRegistry daoRegistry;
    private final PartitionSettings partitionSettings;

    DefinitionFilesLoader(FhirContext fhirContext, DaoRegistry daoRegistry, PartitionSettings partitionSettings) {
        this.fhirContext = fhirContext;
        this.daoRegistry = daoRegistry;
        this.partitionSettings = partitionSettings;
    }

    @Override
    public void run(ApplicationArguments args) throws IOException {
        for (var file : new PathMatchingResourcePatternResolver().getResources(LOCATION)) {
            try (InputStream in = file.getInputStream()) {
                load(file.getFilename(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
    }

    private void load(String fileName, String json) {
        Resource resource = (Resource) fhirContext.newJsonParser().parseResource(json);
        String fileSource = SOURCE_PREFIX + fileName;
        String source = fileSource + ":" + sha256(json).substring(0, 16);
        resource.getMeta().setSource(source);

        IFhirResourceDao<IBaseResource> dao = daoRegistry.getResourceDao(resource.fhirType());
        SystemRequestDetails request = new SystemRequestDetails();
        request.setRequestPartitionId(partitionSettings.getDefaultRequestPartitionId());

        String storedSource = storedSource(dao, resource, request);
        if (source.equals(storedSource)) {
            return;
        }
        if (storedSource != null && !storedSource.startsWith(fileSource + ":")) {
            log.info(
                    "Keeping {} as changed over FHIR REST; its file {} has not changed since",
                    resource.getIdElement(),
                    fileName);
            return;
        }
        dao.update(resource, request);
        log.info("Loaded {} from fhir-profiles/{}", resource.getIdElement().toUnqualifiedVersionless(), fileName);
    }

    /** The stored version's source; null if there is none, "" if it was deleted. */
    private static String storedSource(
            IFhirResourceDao<IBaseResource> dao, Resource resource, SystemRequestDetails request) {
        try {
            Resource stored = (Resource) dao.read(resource.getIdElement().toUnqualifiedVersionless(), request);
            return stored.getMeta().getSource();
        } catch (ResourceNotFoundException e) {
            return null;
        } catch (ResourceGoneException e) {
            return "";
        }
    }

    private static String sha256(String content) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
