package org.rehab.recommendation;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.rehab.recommendation.rules.Age;
import org.rehab.recommendation.rules.BodyMassIndex;
import org.rehab.recommendation.rules.ChronicPain;
import org.rehab.recommendation.rules.RecentSurgery;

/**
 * The facts the rules see for one patient, and the BMI the server derived for them if any; or why the patient gets
 * no new recommendation at all (they died, or their record is not active), in which case the rules see nothing.
 * Built from the patient's record by {@link ClinicalFactsBuilder}.
 */
record ClinicalFacts(
        Optional<Age> age,
        List<ChronicPain> chronicPain,
        Optional<BodyMassIndex> bodyMassIndex,
        List<RecentSurgery> recentSurgeries,
        Optional<DerivedBmi> derivedBmi,
        Optional<String> notEligible) {

    /** Every fact, to insert into a rule session; none for a patient who is not eligible. */
    List<Object> all() {
        if (notEligible.isPresent()) {
            return List.of();
        }
        List<Object> facts = new ArrayList<>();
        age.ifPresent(facts::add);
        facts.addAll(chronicPain);
        bodyMassIndex.ifPresent(facts::add);
        facts.addAll(recentSurgeries);
        return facts;
    }

    /** What the rules were given, in words. */
    String summary() {
        if (notEligible.isPresent()) {
            return notEligible.get();
        }
        return String.join(
                "; ",
                age.map(a -> "age " + a.years()).orElse("age unknown (no birth date)"),
                chronicPain.isEmpty()
                        ? "no active chronic pain"
                        : "chronic pain: "
                                + describe(
                                        chronicPain.stream().map(p -> p.source().display())),
                bodyMassIndex
                        .map(b -> "latest BMI " + b.value() + " kg/m2" + (b.derived() ? " (derived)" : ""))
                        .orElse("no BMI, height or weight to use"),
                recentSurgeries.isEmpty()
                        ? "no recent surgery"
                        : "recent surgery: "
                                + describe(recentSurgeries.stream()
                                        .map(s -> s.source().display()
                                                + (s.inAdmissibleDepartment() ? "" : " (department not admissible)"))));
    }

    private static String describe(java.util.stream.Stream<String> parts) {
        return parts.collect(Collectors.joining(", "));
    }
}
