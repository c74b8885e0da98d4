package dev.env0.kit

import java.io.File
import kotlin.math.abs
import kotlin.math.sqrt
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test
import uniffi.env0_ffi.Agent
import uniffi.env0_ffi.Benchmark
import uniffi.env0_ffi.BenchmarkSelection
import uniffi.env0_ffi.TaskLibrary

class BenchmarkTest {
    private val library = TaskLibrary.open(tasksDir)

    private fun gmail(limit: UInt) = BenchmarkSelection(split = null, family = "gmail", template = null, limit = limit, k = 1u)

    /** The 95 % Wilson interval, written out here to check the one env0 sends. */
    private fun wilson(passed: Int, n: Int): Pair<Double, Double> {
        val z = 1.959963984540054
        val p = passed.toDouble() / n
        val d = 1 + z * z / n
        val centre = (p + z * z / (2 * n)) / d
        val half = z * sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / d
        return (centre - half) to (centre + half)
    }

    @Test
    fun progressCarriesTheLivePassRateThenTheSummary() = runBlocking {
        withTimeout(120_000) {
            val dir = tempDir("env0-kit-bench").path
            val model = BenchmarkModel(this)
            assertTrue(model.start(Benchmark(library, Agent.oracle(), dir, gmail(4u))))
            model.settle()
            val s = model.state.value
            assertFalse(s.running)
            assertEquals(4, s.finished.size)
            assertTrue(s.finished.all { it.passed && it.reward == 1.0 })
            val p = s.progress!!
            assertEquals(4u, p.done)
            assertEquals(4u, p.graded)
            val (low, high) = wilson(4, 4)
            assertTrue("${p.passLow} vs $low", abs(p.passLow - low) < 1e-9 && abs(p.passHigh - high) < 1e-9)
            assertEquals(1.0, p.passRate, 0.0)
            val summary = s.summary!!
            assertEquals(4uL, summary.rows)
            assertEquals(summary.overall.passLow, p.passLow, 1e-12)
            assertTrue(File(summary.reportPath).readText().isNotBlank())
        }
    }

    @Test
    fun aCancelledRunResumesWithEveryPairOnce() = runBlocking {
        withTimeout(300_000) {
            val dir = tempDir("env0-kit-resume").path
            val first = Benchmark(library, Agent.oracle(), dir, gmail(12u)).launch()
            // The first progress (done = 0) comes at the start; cancel once a pair is written.
            first.updates.first { it is BenchmarkUpdate.Progress && it.progress.done >= 1u }
            first.cancel()
            val stopped = first.await()
            assertTrue(stopped.cancelled)
            assertTrue("${stopped.rows} rows", stopped.rows in 1uL..11uL)
            assertEquals(12uL - stopped.rows, stopped.remaining)

            val second = Benchmark(library, Agent.oracle(), dir, gmail(12u)).launch()
            val updates = second.updates.toList()
            val done = (updates.last() as BenchmarkUpdate.Done).summary
            assertFalse(done.cancelled)
            assertEquals(12uL, done.rows)
            assertEquals(12uL - stopped.rows, done.newRows)
            val progress = updates.filterIsInstance<BenchmarkUpdate.Progress>().map { it.progress }
            assertEquals(stopped.rows.toInt(), progress.first().resumed.toInt())
            val ids = File(done.resultsPath).readLines().filter { it.isNotBlank() }
            assertEquals(12, ids.size)
            assertEquals(12, ids.map { Regex("\"task\":\"([^\"]+)\",\"trial\":0").find(it)!!.groupValues[1] }.toSet().size)
        }
    }
}
