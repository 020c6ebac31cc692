package dev.arbor.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks what users of Arbor's artifacts may build on: the classes and members a job, a benchmark or
 * an embedding program calls (as Flink's {@code @PublicEvolving} does). Arbor keeps such a type's
 * name and the meaning of its public members across releases while it can; when one has to go, it is
 * deprecated first and still works for a release. Arbor is young, so a signature may still change
 * between minor releases, never silently.
 *
 * <p>Every public top-level type of Arbor carries this mark or {@link Internal}; the public members
 * of a marked type (and of its public nested types) never expose an {@link Internal} type, unless
 * the member itself is marked {@link Internal}. The architecture test ({@code ApiMarksTest}) keeps
 * both rules. A package of generated types (the Avro records) is marked in its {@code
 * package-info.java}.
 */
@PublicApi
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.PACKAGE})
public @interface PublicApi {}
