package dev.env0.mobile

import android.content.Context

/**
 * What the user set. [contextLength] and [temperature] apply the next time a local model is
 * loaded; [worldSeed] and [worldScale] are what the current world was created from (changed only
 * by recreating it).
 */
data class AppSettings(
    /** Context window to enforce; null: the model's own. */
    val contextLength: Int? = null,
    /** 0 = greedy. */
    val temperature: Double = 0.0,
    val worldSeed: ULong = 42uL,
    /** `empty`, `default` or `large`. */
    val worldScale: String = "default",
)

/** [AppSettings] in SharedPreferences. Read and written off the main thread by the ViewModel. */
class SettingsStore(context: Context) {
    private val prefs = context.getSharedPreferences("env0", Context.MODE_PRIVATE)

    fun load(): AppSettings = AppSettings(
        contextLength = prefs.getInt(KEY_CONTEXT, 0).takeIf { it > 0 },
        temperature = prefs.getString(KEY_TEMPERATURE, null)?.toDoubleOrNull() ?: 0.0,
        worldSeed = prefs.getLong(KEY_SEED, 42L).toULong(),
        worldScale = prefs.getString(KEY_SCALE, null)?.takeIf { it in SCALES } ?: "default",
    )

    fun save(settings: AppSettings) {
        prefs.edit()
            .putInt(KEY_CONTEXT, settings.contextLength ?: 0)
            .putString(KEY_TEMPERATURE, settings.temperature.toString())
            .putLong(KEY_SEED, settings.worldSeed.toLong())
            .putString(KEY_SCALE, settings.worldScale)
            .apply()
    }

    companion object {
        private const val KEY_CONTEXT = "context_length"
        private const val KEY_TEMPERATURE = "temperature"
        private const val KEY_SEED = "world_seed"
        private const val KEY_SCALE = "world_scale"

        /** The world scales env0 knows (Workspace.create's `scale_name`). */
        val SCALES = listOf("empty", "default", "large")
    }
}
