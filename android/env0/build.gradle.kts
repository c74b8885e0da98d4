// The env0 Android library: the generated UniFFI bindings (src/main/kotlin/uniffi, committed,
// kept current by ffi/scripts/update-bindings.sh), the coroutine wrapper (dev.env0.kit) and the
// Rust library for each ABI in src/main/jniLibs (built by android/scripts/build-android.sh with
// cargo-ndk; not committed).
plugins {
    alias(libs.plugins.android.library)
    alias(libs.plugins.kotlin.android)
}

android {
    namespace = "dev.env0.kit"
    compileSdk = 36

    defaultConfig {
        minSdk = 28
        consumerProguardFiles("consumer-rules.pro")
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    testOptions {
        unitTests.all {
            // The unit tests run on the development machine's JVM against the host build of
            // env0-ffi (cargo build -p env0-ffi) and the repository's tasks-lite.
            val repo = rootProject.projectDir.parentFile
            val target = System.getenv("CARGO_TARGET_DIR") ?: "${repo.path}/target"
            it.systemProperty("jna.library.path", "$target/debug")
            it.systemProperty("env0.tasks", "${repo.path}/tasks-lite")
        }
    }
}

kotlin {
    jvmToolchain(17)
}

dependencies {
    // JNA as an AAR carries its own libjnidispatch.so for each Android ABI.
    implementation("${libs.jna.get()}@aar")
    api(libs.kotlinx.coroutines.core)
    implementation(libs.kotlinx.coroutines.android)

    testImplementation(libs.junit)
    testImplementation(libs.jna) // the plain jar for the JVM tests
}
