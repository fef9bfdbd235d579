/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.lake.worker;

import java.util.concurrent.CountDownLatch;

/** A JVM that only watches its parent, as the lake worker does; it says so on stdout, then waits forever. */
public final class ParentWatchProbe {
    private ParentWatchProbe() {}

    public static void main(String[] args) throws InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("shutdown hook ran")));
        ParentWatch.exitWhenParentGone(System.in);
        System.out.println("watching");
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
