package dev.arbor.search;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Scorers by name, as records, options and SQL name them: {@code logprob}, {@code logprob_sum},
 * {@code prm}, {@code judge}, or a user's class implementing {@link Scorer} (instantiated once per
 * JVM through its public no-argument constructor).
 */
final class Scorers {
    /** The built-in names, for messages and docs. */
    static final String NAMES = "logprob, logprob_sum, prm, judge, or a class implementing " + Scorer.class.getName();

    private static final Map<String, Scorer> CLASSES = new ConcurrentHashMap<>();

    private Scorers() {}

    /** Sets {@code builder}'s scorer and verifier kind for {@code name}. */
    static void apply(SearchRequest.Builder builder, String name) {
        String key = name == null ? "logprob" : name.strip();
        switch (key.toLowerCase(Locale.ROOT)) {
            case "logprob", "mean_logprob" -> builder.scorer(Scorer.MEAN_LOGPROB).verifierKind(VerifierSpec.Kind.SCORER);
            case "logprob_sum", "sum_logprob" -> builder.scorer(Scorer.SUM_LOGPROB)
                    .verifierKind(VerifierSpec.Kind.SCORER);
            case "prm" -> builder.scorer(Scorer.MEAN_LOGPROB).verifierKind(VerifierSpec.Kind.PRM);
            case "judge" -> builder.scorer(Scorer.MEAN_LOGPROB).verifierKind(VerifierSpec.Kind.JUDGE);
            default -> builder.scorer(userScorer(key)).verifierKind(VerifierSpec.Kind.SCORER);
        }
    }

    private static Scorer userScorer(String className) {
        Scorer known = CLASSES.get(className);
        if (known != null) {
            return known;
        }
        Scorer made;
        try {
            Class<?> type = Class.forName(className, true, Thread.currentThread().getContextClassLoader() != null
                    ? Thread.currentThread().getContextClassLoader() : Scorers.class.getClassLoader());
            if (!Scorer.class.isAssignableFrom(type)) {
                throw new IllegalArgumentException("scorer '" + className + "' does not implement "
                        + Scorer.class.getName());
            }
            made = (Scorer) type.getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("scorer '" + className + "' is none of " + NAMES
                    + " (no such class on the classpath)");
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalArgumentException("scorer '" + className + "' cannot be made: " + e);
        }
        Scorer raced = CLASSES.putIfAbsent(className, made);
        return raced == null ? made : raced;
    }
}
