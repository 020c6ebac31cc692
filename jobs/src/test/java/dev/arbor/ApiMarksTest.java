package dev.arbor;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.arbor.annotation.Internal;
import dev.arbor.annotation.PublicApi;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.specific.AvroGenerated;
import org.junit.jupiter.api.Test;

/**
 * Every public top-level type of Arbor says whether it is for users ({@link PublicApi}) or not
 * ({@link Internal}), and what is for users never hands out what is not: no public method,
 * constructor or field of a public-API type (or of its public nested types) names an internal type
 * in its signature (return, parameters with their type arguments, exceptions), and no public-API
 * type extends or implements one, unless the member (or nested type) is itself marked internal.
 * Checked on the compiled classes of native, operators and jobs.
 */
class ApiMarksTest {
    private static final JavaClasses ARBOR = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.arbor");

    @Test
    void thereAreMarkedTypesOfEveryModuleToCheck() {
        assertThat(ARBOR.stream().filter(ApiMarksTest::isApi).map(JavaClass::getName))
                .contains("dev.arbor.kv.Branch", "dev.arbor.search.SearchEngine", "dev.arbor.flink.TreeSearch",
                        "dev.arbor.flink.records.SearchResult", "dev.arbor.jobs.eval.KafkaEvalPipeline");
        assertThat(ARBOR.stream().filter(ApiMarksTest::isInternal).map(JavaClass::getName))
                .contains("dev.arbor.flink.SlotRuntime", "dev.arbor.jobs.records.RequestAdmission");
    }

    @Test
    void everyPublicTopLevelTypeIsMarkedPublicApiOrInternal() {
        classes().that().arePublic().and().areTopLevelClasses().and(new DescribedPredicate<>("not package-info") {
            @Override
            public boolean test(JavaClass type) {
                return !type.getSimpleName().equals("package-info");
            }
        }).should(new ArchCondition<>("be marked @PublicApi or @Internal") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                boolean marked = type.isAnnotatedWith(PublicApi.class) || type.isAnnotatedWith(Internal.class)
                        || generatedInMarkedPackage(type);
                if (type.isAnnotatedWith(PublicApi.class) && type.isAnnotatedWith(Internal.class)) {
                    events.add(SimpleConditionEvent.violated(type, type.getName() + " is marked both ways"));
                } else if (!marked) {
                    events.add(SimpleConditionEvent.violated(type, type.getName() + " says neither @PublicApi nor "
                            + "@Internal"));
                }
            }
        }).check(ARBOR);
    }

    @Test
    void publicApiNeverExposesAnInternalType() {
        classes().that(new DescribedPredicate<>("are public API") {
            @Override
            public boolean test(JavaClass type) {
                return isApi(type);
            }
        }).should(new ArchCondition<>("expose no @Internal type in a public signature") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                exposedInternals(type).forEach(problem -> events.add(SimpleConditionEvent.violated(type, problem)));
            }
        }).check(ARBOR);
    }

    @Test
    void theCheckSeesAnInternalTypeInTypeArguments() {
        JavaClass holder = new ClassFileImporter().importClass(Holder.class);
        assertThat(holder.getMethods()).singleElement().satisfies(method -> assertThat(involved(method.getReturnType()))
                .extracting(JavaClass::getName).contains("java.util.List", "dev.arbor.jobs.io.InputRecord"));
        assertThat(isInternal(ARBOR.get("dev.arbor.jobs.io.InputRecord"))).isTrue();
    }

    /** A method whose return type names a type only in its type arguments. */
    private interface Holder {
        List<dev.arbor.jobs.io.InputRecord> records();
    }

    /** A public-API type: a public top-level type marked so, or a public type nested in one and not marked internal. */
    static boolean isApi(JavaClass type) {
        if (!type.getModifiers().contains(JavaModifier.PUBLIC) || type.isAnnotatedWith(Internal.class)) {
            return false;
        }
        if (type.getEnclosingClass().isPresent()) {
            return isApi(type.getEnclosingClass().get());
        }
        return type.isAnnotatedWith(PublicApi.class) || generatedInMarkedPackage(type);
    }

    /** An Arbor type marked internal, or nested in one. */
    static boolean isInternal(JavaClass type) {
        for (JavaClass at = type; at != null; at = at.getEnclosingClass().orElse(null)) {
            if (at.isAnnotatedWith(Internal.class)) {
                return true;
            }
        }
        return false;
    }

    /** Generated types cannot carry marks of their own; their package's mark stands for them. */
    private static boolean generatedInMarkedPackage(JavaClass type) {
        return type.isAnnotatedWith(AvroGenerated.class) && (type.getPackage().isAnnotatedWith(PublicApi.class)
                || type.getPackage().isAnnotatedWith(Internal.class));
    }

    private static List<String> exposedInternals(JavaClass type) {
        List<String> problems = new ArrayList<>();
        type.getRawSuperclass().filter(ApiMarksTest::isInternal)
                .ifPresent(parent -> problems.add(type.getName() + " extends " + parent.getName()));
        type.getRawInterfaces().stream().filter(ApiMarksTest::isInternal)
                .forEach(parent -> problems.add(type.getName() + " implements " + parent.getName()));
        for (JavaCodeUnit member : type.getCodeUnits()) {
            if (isApiMember(member)) {
                Set<JavaClass> named = new LinkedHashSet<>(involved(member.getReturnType()));
                member.getParameterTypes().forEach(parameter -> named.addAll(involved(parameter)));
                member.getThrowsClause().getTypes().forEach(named::add);
                report(problems, member, named);
            }
        }
        for (JavaField field : type.getFields()) {
            if (isApiMember(field)) {
                report(problems, field, involved(field.getType()));
            }
        }
        return problems;
    }

    private static boolean isApiMember(JavaMember member) {
        return member.getModifiers().contains(JavaModifier.PUBLIC) && !member.isAnnotatedWith(Internal.class)
                && !member.getModifiers().contains(JavaModifier.SYNTHETIC);
    }

    private static void report(List<String> problems, JavaMember member, Set<JavaClass> named) {
        named.stream().filter(ApiMarksTest::isInternal).forEach(internal -> problems.add(member.getFullName()
                + " exposes the internal " + internal.getName()));
    }

    /** Every class a (possibly generic) type names, type arguments and bounds included. */
    private static Set<JavaClass> involved(JavaType type) {
        return type.getAllInvolvedRawTypes();
    }
}
