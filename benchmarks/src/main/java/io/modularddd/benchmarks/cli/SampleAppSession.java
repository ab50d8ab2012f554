package io.modularddd.benchmarks.cli;

import io.modularddd.profiles.Profile;

/** The sample application under a profile, through the one-call bootstrap. */
final class SampleAppSession {

    private SampleAppSession() {
    }

    static Session open(Profile profile, Options options) {
        throw new UnsupportedOperationException("the sample application's session is wired when the bootstrap lands");
    }
}
