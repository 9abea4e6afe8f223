package org.rehab.cdshooks;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;
import org.rehab.recommendation.rules.RecommendationType;

class DuplicateOrderCardsTest {

    @Test
    void anOrderIsRecognisedByTheCatalogEntryItInstantiates() {
        ServiceRequest draft = new ServiceRequest();
        draft.addInstantiatesCanonical(RecommendationType.PHYSICAL_THERAPY.canonical());
        assertThat(DuplicateOrderCards.typeOf(draft)).contains(RecommendationType.PHYSICAL_THERAPY);
    }

    @Test
    void anOrderIsRecognisedByItsSnomedCode() {
        ServiceRequest draft = new ServiceRequest();
        draft.getCode().addCoding().setSystem("http://snomed.info/sct").setCode("52052004");
        assertThat(DuplicateOrderCards.typeOf(draft)).contains(RecommendationType.POST_OP_REHABILITATION_PLAN);
    }

    @Test
    void theSameCodeInAnotherSystemIsNotTheRecommendation() {
        ServiceRequest draft = new ServiceRequest();
        draft.getCode().addCoding().setSystem("http://example.org/local-codes").setCode("52052004");
        assertThat(DuplicateOrderCards.typeOf(draft)).isEmpty();
    }
}
