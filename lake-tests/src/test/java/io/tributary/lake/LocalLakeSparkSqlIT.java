/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.lake;

import java.nio.file.Path;

/** The lake in one directory (SQLite catalog, local warehouse): what the one-command quick start runs. */
class LocalLakeSparkSqlIT extends SinkTablesInSparkSql {
    @Override
    Lake openLake(Path work) {
        return Lake.inDirectory(work.resolve("lake"));
    }
}
