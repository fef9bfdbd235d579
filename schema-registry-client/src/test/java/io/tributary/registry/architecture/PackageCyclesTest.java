/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.registry.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The packages of this module import each other in one direction only: a cycle fails the build. */
class PackageCyclesTest {

    @Test
    void noCyclesBetweenPackages() {
        slices().matching("io.tributary.registry.(**)")
                .should()
                .beFreeOfCycles()
                .allowEmptyShould(true)
                .check(new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("io.tributary.registry"));
    }
}
