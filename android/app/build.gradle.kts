// The env0 Android app: Jetpack Compose screens over the `env0` library (project :env0). The
// bundled task set (the repository's tasks-lite/) is packaged as assets/tasks-lite/ and copied to
// the app's files on first launch (see TaskAssets.kt).
import javax.inject.Inject

plugins {
    alias(libs.plugins.android.application)
    alias(libs.plugins.kotlin.android)
    alias(libs.plugins.kotlin.compose)
}

android {
    namespace = "dev.env0.mobile"
    compileSdk = 36

    defaultConfig {
        applicationId = "dev.env0.mobile"
        minSdk = 28
        targetSdk = 36
        versionCode = 1
        versionName = "0.1.0"
    }

    buildTypes {
        release {
            isMinifyEnabled = false
        }
    }

    buildFeatures {
        compose = true
        buildConfig = true
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    packaging {
        resources {
            excludes += "/META-INF/{AL2.0,LGPL2.1}"
        }
    }
}

kotlin {
    jvmToolchain(17)
}

/**
 * Copies the repository's tasks-lite/ (the task set, ~11 MB) into a generated assets folder as
 * `tasks-lite/`, so that it lands under assets/tasks-lite/ in the APK. A plain
 * `sourceSets["main"].assets.srcDir("../../tasks-lite")` would put its files at the assets root.
 */
abstract class BundleTasksLite : DefaultTask() {
    @get:InputDirectory
    @get:PathSensitive(PathSensitivity.RELATIVE)
    abstract val tasksDir: DirectoryProperty

    @get:OutputDirectory
    abstract val outputDir: DirectoryProperty

    @get:Inject
    abstract val fileOps: FileSystemOperations

    @TaskAction
    fun bundle() {
        val source = tasksDir.get().asFile
        val target = outputDir.get().dir("tasks-lite").asFile
        fileOps.sync {
            from(source)
            into(target)
        }
    }
}

androidComponents {
    onVariants { variant ->
        val taskName = "bundle" + variant.name.replaceFirstChar { it.uppercase() } + "TasksLite"
        val bundle = tasks.register<BundleTasksLite>(taskName) {
            tasksDir.set(layout.projectDirectory.dir("../../tasks-lite"))
        }
        variant.sources.assets?.addGeneratedSourceDirectory(bundle, BundleTasksLite::outputDir)
    }
}

dependencies {
    implementation(project(":env0"))

    implementation(libs.androidx.core.ktx)
    implementation(libs.androidx.activity.compose)
    implementation(libs.androidx.lifecycle.viewmodel.compose)
    implementation(libs.androidx.lifecycle.runtime.compose)
    implementation(libs.kotlinx.coroutines.android)

    implementation(platform(libs.androidx.compose.bom))
    implementation(libs.androidx.compose.ui)
    implementation(libs.androidx.compose.material3)
    implementation(libs.androidx.compose.material.icons)
    implementation(libs.androidx.compose.ui.tooling.preview)
}
