package dev.env0.mobile

import android.content.Context
import android.content.res.AssetManager
import java.io.File
import java.io.FileNotFoundException
import java.io.IOException

/**
 * The bundled task set: assets/tasks-lite/ copied to filesDir/tasks-lite, because
 * TaskLibrary.open needs a real directory. Copied on first launch and again whenever the app's
 * version (versionCode, or a reinstall of the same version) changes. Call off the main thread.
 */
object TaskAssets {
    private const val ASSET_DIR = "tasks-lite"
    private const val MARKER = ".installed"

    /** The task-set directory, copying it first when needed. */
    @Throws(IOException::class)
    fun install(context: Context): File {
        val target = File(context.filesDir, ASSET_DIR)
        val stamp = stamp(context)
        val marker = File(target, MARKER)
        if (marker.isFile && marker.readText() == stamp) return target

        val staging = File(context.filesDir, "$ASSET_DIR.tmp")
        staging.deleteRecursively()
        val copied = copyTree(context.assets, ASSET_DIR, staging)
        if (copied == 0) throw FileNotFoundException("the app has no bundled task set (assets/$ASSET_DIR is empty)")
        File(staging, MARKER).writeText(stamp)
        target.deleteRecursively()
        if (!staging.renameTo(target)) throw IOException("could not move the task set into ${target.path}")
        return target
    }

    private fun stamp(context: Context): String {
        @Suppress("DEPRECATION")
        val info = context.packageManager.getPackageInfo(context.packageName, 0)
        return "${BuildConfig.VERSION_CODE}:${info.lastUpdateTime}"
    }

    /** Copies asset [path] (a file or a folder) to [dest]; returns how many files it copied. */
    private fun copyTree(assets: AssetManager, path: String, dest: File): Int {
        val children = assets.list(path) ?: emptyArray()
        if (children.isEmpty()) {
            // A file (an empty folder lists nothing too; opening it fails and it is skipped).
            return try {
                dest.parentFile?.mkdirs()
                assets.open(path).use { input -> dest.outputStream().use { output -> input.copyTo(output) } }
                1
            } catch (e: FileNotFoundException) {
                0
            }
        }
        dest.mkdirs()
        var count = 0
        for (name in children) count += copyTree(assets, "$path/$name", File(dest, name))
        return count
    }
}
