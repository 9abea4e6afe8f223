package org.rehab.conformance;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.HistorySearchDateRangeParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
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
 * partition at start, where every tenant can read them. A missing definition is created; one loaded from an
 * older version of its file is updated; one changed over FHIR REST (edited or deleted) is kept until its file
 * changes. Each loaded version carries its file and content hash in {@code meta.source}, so the resource's own
 * history tells which file content was loaded last.
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

    void load(String fileName, String json) {
        Resource resource = (Resource) fhirContext.newJsonParser().parseResource(json);
        String fileSource = SOURCE_PREFIX + fileName + ":";
        String source = fileSource + sha256(json).substring(0, 16);
        resource.getMeta().setSource(source);

        IFhirResourceDao<IBaseResource> dao = daoRegistry.getResourceDao(resource.fhirType());
        IIdType id = resource.getIdElement().toUnqualifiedVersionless();
        SystemRequestDetails request = new SystemRequestDetails();
        request.setRequestPartitionId(partitionSettings.getDefaultRequestPartitionId());

        List<String> sources = sourcesNewestFirst(dao, id, request);
        if (!sources.isEmpty() && sources.get(0).equals(source)) {
            return;
        }
        boolean changedOverRest = !sources.isEmpty() && !sources.get(0).startsWith(fileSource);
        boolean fileUnchangedSinceLastLoad = sources.stream()
                .filter(s -> s.startsWith(fileSource))
                .findFirst()
                .map(source::equals)
                .orElse(false);
        if (changedOverRest && fileUnchangedSinceLastLoad) {
            log.info("Keeping {} as changed over FHIR REST: {} has not changed since it was loaded", id, fileName);
            return;
        }
        dao.update(resource, request);
        log.info("Loaded {} from fhir-profiles/{}", id, fileName);
    }

    /** The meta.source of every stored version, newest first (a deleted version counts as changed over REST). */
    private static List<String> sourcesNewestFirst(
            IFhirResourceDao<IBaseResource> dao, IIdType id, SystemRequestDetails request) {
        IBundleProvider history;
        try {
            history = dao.history(id, new HistorySearchDateRangeParam(), request);
        } catch (ResourceNotFoundException e) {
            return List.of();
        }
        return history.getAllResources().stream()
                .map(version -> Objects.toString(((Resource) version).getMeta().getSource(), ""))
                .toList();
    }

    /** The SHA-256 of the text's UTF-8 bytes, in hex. */
    static String sha256(String content) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
