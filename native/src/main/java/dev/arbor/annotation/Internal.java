package dev.arbor.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks what is Arbor's own business, though Java needs it public (another package of Arbor uses it,
 * Flink or a service loader instantiates it, a test drives it), as Flink's {@code @Internal} does:
 * it may change or go in any release without notice, and users should not call it.
 *
 * <p>On a type, it covers the type and everything in it. On a member of a {@link PublicApi} type (a
 * method, constructor, field or nested type), it takes that member out of the type's API: the rule
 * that a public signature never exposes an internal type then does not apply to it.
 */
@PublicApi
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.FIELD})
public @interface Internal {}
