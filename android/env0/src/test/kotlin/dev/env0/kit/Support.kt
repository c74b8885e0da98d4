package dev.env0.kit

import java.io.File
import java.nio.file.Files

/** The repository's tasks-lite (set by jvm-tests.sh and by Gradle's unit-test config). */
val tasksDir: String = System.getProperty("env0.tasks") ?: error("set -Denv0.tasks to the tasks-lite directory")

/** The SmolLM2 GGUF from the fixture cache (scripts/fetch-fixtures.sh); missing: the test fails. */
val smollm2: File by lazy {
    val root = System.getenv("ENV0_FIXTURES") ?: "${System.getProperty("user.home")}/.cache/env0/fixtures"
    val f = File(root, "chat/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
    check(f.isFile) { "missing fixture $f: run scripts/fetch-fixtures.sh" }
    f
}

fun tempDir(prefix: String): File = Files.createTempDirectory(prefix).toFile().also { it.deleteOnExit() }

/** A replayed model that makes [n] gmail_create_label calls in one turn, then says it is done. */
fun labelMaker(n: Int, prefix: String = "Kit"): String {
    val calls = (1..n).joinToString(",") { i ->
        """{"id":"c$i","type":"function","function":{"name":"gmail_create_label",""" +
            """"arguments":"{\"name\":\"$prefix-$i\"}"}}"""
    }
    return """[{"role":"assistant","content":null,"tool_calls":[$calls]},""" +
        """{"role":"assistant","content":"Done."}]"""
}
