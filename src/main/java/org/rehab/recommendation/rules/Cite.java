package org.rehab.recommendation.rules;

import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/** Helpers for the consequences of rules: the evidence of several facts, and its description in words. */
public final class Cite {

    private Cite() {}

    public static List<Evidence> sources(Collection<? extends Fact> facts) {
        return facts.stream().map(Fact::source).toList();
    }

    public static String described(Collection<? extends Fact> facts) {
        return facts.stream().map(fact -> fact.source().display()).collect(Collectors.joining("; "));
    }
}
