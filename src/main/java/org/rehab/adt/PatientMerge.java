package org.rehab.adt;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.dao.data.IResourceLinkDao;
import ca.uhn.fhir.jpa.model.dao.JpaPid;
import ca.uhn.fhir.jpa.model.entity.PartitionablePartitionId;
import ca.uhn.fhir.jpa.model.entity.ResourceLink;
import ca.uhn.fhir.jpa.model.entity.ResourceTable;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.util.FhirTerser;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.rehab.recommendation.MergedRecommendations;
import org.springframework.stereotype.Component;

/**
 * Merges one Patient into another inside one hospital, in the caller's transaction: the merged patient's
 * recommendations follow the survivor, every other resource of the tenant that refers to the merged patient refers
 * to the survivor instead, and the two Patients are linked ({@code replaced-by} on the merged one, now inactive;
 * {@code replaces} on the survivor). Audit records and provenance keep the reference they were written with.
 *
 * <p>HAPI's {@code $merge} is not used: in 8.8 it looks for the resources to rewrite by the merged patient's id
 * across all partitions. It writes only in the request's, but another hospital's resources that refer to a patient
 * with the same id are counted in what it reports and make the merge fail (they cannot be read here). Here they are
 * found by the merged patient's row key, which belongs to one partition only.
 *
 * <p>What is found is what HAPI indexes as a reference (a search parameter's path); a reference only in an
 * extension, or in an element no search parameter covers, keeps pointing at the merged patient, whose
 * {@code replaced-by} link leads to the survivor. The merge is one transaction, however many resources it moves.
 */
@Component
class PatientMerge {

    /** Resource types whose references are history: what was recorded, about whom, stays as it was. */
    private static final Set<String> HISTORY = Set.of("AuditEvent", "Provenance");

    private final DaoRegistry daos;
    private final IResourceLinkDao links;
    private final MergedRecommendations recommendations;
    private final FhirTerser terser;

    PatientMerge(DaoRegistry daos, IResourceLinkDao links, MergedRecommendations recommendations, FhirContext fhir) {
        this.daos = daos;
        this.links = links;
        this.recommendations = recommendations;
        this.terser = fhir.newTerser();
    }

    /** Merges {@code merged} into {@code survivor}, which the caller saves afterwards with its new link. */
    void merge(RequestDetails request, Patient merged, Patient survivor) {
        String mergedId = merged.getIdElement().getIdPart();
        String survivorId = survivor.getIdElement().getIdPart();
        recommendations.follow(request, mergedId, survivorId);
        moveReferences(request, merged, mergedId, survivorId);
        merged.setActive(false);
        merged.addLink().setType(Patient.LinkType.REPLACEDBY).setOther(new Reference("Patient/" + survivorId));
        daos.getResourceDao(Patient.class).update(merged, request);
        survivor.addLink().setType(Patient.LinkType.REPLACES).setOther(new Reference("Patient/" + mergedId));
    }

    private void moveReferences(RequestDetails request, Patient merged, String mergedId, String survivorId) {
        ResourceTable row = (ResourceTable) daos.getResourceDao(Patient.class)
                .readEntity(merged.getIdElement().toVersionless(), request);
        Map<JpaPid, String> referrers = new LinkedHashMap<>();
        for (ResourceLink link : links.findWithTargetPidIn(List.of(row.getPersistentId()))) {
            if (samePartition(link.getPartitionId(), row.getPartitionId())
                    && !HISTORY.contains(link.getSourceResourceType())) {
                referrers.put(link.getSourceResourcePk(), link.getSourceResourceType());
            }
        }
        referrers.forEach((pid, type) -> {
            var dao = daos.getResourceDao(type);
            IBaseResource resource;
            try {
                resource = dao.readByPid(pid);
            } catch (ResourceGoneException deleted) {
                return; // nothing to point anywhere
            }
            boolean eitherPatient = resource instanceof Patient patient
                    && Set.of(mergedId, survivorId)
                            .contains(patient.getIdElement().getIdPart());
            if (!eitherPatient && repoint(resource, mergedId, survivorId)) {
                dao.update(resource, request);
            }
        });
    }

    /** Points the resource's references to the merged patient to the survivor; answers whether any changed. */
    private boolean repoint(IBaseResource resource, String mergedId, String survivorId) {
        boolean changed = false;
        for (Reference reference : terser.getAllPopulatedChildElementsOfType(resource, Reference.class)) {
            IIdType target = reference.getReferenceElement();
            if (!target.isAbsolute()
                    && "Patient".equals(target.getResourceType())
                    && mergedId.equals(target.getIdPart())) {
                reference.setReference("Patient/" + survivorId);
                changed = true;
            }
        }
        return changed;
    }

    private static boolean samePartition(PartitionablePartitionId link, PartitionablePartitionId patient) {
        return Objects.equals(
                link == null ? null : link.getPartitionId(), patient == null ? null : patient.getPartitionId());
    }
}
