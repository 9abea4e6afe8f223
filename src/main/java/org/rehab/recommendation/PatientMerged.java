package org.rehab.recommendation;

/**
 * One patient's record was merged into another's, published in the merge's transaction before the merged
 * patient's recommendations move: what is kept about them elsewhere (alerts on their way) follows the survivor.
 */
public record PatientMerged(String tenant, String mergedId, String survivorId) {}
