package org.rehab.tenant;

import java.util.Set;

/**
 * What the DEFAULT tenant holds for every hospital: the recommendation catalog, which every tenant reads as its own;
 * the definitions the platform's operators manage through the API; and what may be stored there at all (those, and
 * the conformance resources HAPI itself keeps there).
 */
public final class SharedDefinitions {

    /** Read from every tenant as part of it. */
    public static final Set<String> CATALOG_TYPES = Set.of("ActivityDefinition", "PlanDefinition");

    /** Read by every caller, written by the platform's operators, in DEFAULT. */
    public static final Set<String> MANAGED_TYPES =
            Set.of("ActivityDefinition", "PlanDefinition", "StructureDefinition", "ValueSet", "CodeSystem");

    /** What may be written to DEFAULT. */
    public static final Set<String> STORABLE_TYPES = Set.of(
            "ActivityDefinition",
            "PlanDefinition",
            "StructureDefinition",
            "ValueSet",
            "CodeSystem",
            "ConceptMap",
            "NamingSystem",
            "SearchParameter",
            "Questionnaire",
            "CapabilityStatement",
            "CompartmentDefinition",
            "OperationDefinition",
            "Library",
            "StructureMap");

    static {
        if (!MANAGED_TYPES.containsAll(CATALOG_TYPES) || !STORABLE_TYPES.containsAll(MANAGED_TYPES)) {
            throw new IllegalStateException("The catalog is managed, and what is managed is storable, in DEFAULT");
        }
    }

    private SharedDefinitions() {}
}
