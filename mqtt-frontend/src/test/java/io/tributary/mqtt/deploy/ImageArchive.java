/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;

/**
 * An image as Jib's {@code buildTar} writes it (the layout {@code docker load} reads): {@code manifest.json}
 * naming the config JSON and the layers, each layer a gzipped tar. Read with the JDK alone: a tar is 512-byte
 * headers each followed by the file's bytes; long names come in a PAX header before the entry.
 */
final class ImageArchive {

    /** A file or directory of a layer: its mode bits and, for files, its bytes. */
    record Entry(int mode, boolean directory, byte[] content) {
        String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode manifest;
    private final JsonNode config;
    private final Map<String, Entry> files;

    private ImageArchive(JsonNode manifest, JsonNode config, Map<String, Entry> files) {
        this.manifest = manifest;
        this.config = config;
        this.files = files;
    }

    static ImageArchive read(Path tar) throws IOException {
        Map<String, Entry> outer = entries(Files.newInputStream(tar));
        JsonNode manifest = JSON.readTree(outer.get("manifest.json").content()).get(0);
        JsonNode config =
                JSON.readTree(outer.get(manifest.path("Config").asText()).content());
        // Layers in order: a later layer's file replaces an earlier one's, as in the running container.
        Map<String, Entry> files = new LinkedHashMap<>();
        for (JsonNode layer : manifest.path("Layers")) {
            byte[] gz = outer.get(layer.asText()).content();
            files.putAll(entries(new GZIPInputStream(new ByteArrayInputStream(gz))));
        }
        return new ImageArchive(manifest, config, files);
    }

    /** {@code manifest.json}'s entry for the image (Config, RepoTags, Layers). */
    JsonNode manifest() {
        return manifest;
    }

    /** The image's {@code config} object: User, ExposedPorts, Entrypoint, Cmd, Env, Labels, ... */
    JsonNode containerConfig() {
        return config.path("config");
    }

    /** Every path of the image's file system (without a leading slash; directories end without one too). */
    Map<String, Entry> files() {
        return files;
    }

    private static Map<String, Entry> entries(InputStream source) throws IOException {
        Map<String, Entry> out = new HashMap<>();
        try (InputStream in = source) {
            String paxPath = null;
            byte[] header = new byte[512];
            while (readFully(in, header) && header[0] != 0) {
                String name = field(header, 0, 100);
                String prefix = field(header, 345, 155);
                int mode = (int) octal(header, 100, 8);
                long size = octal(header, 124, 12);
                char type = (char) header[156];
                String path = paxPath != null ? paxPath : prefix.isEmpty() ? name : prefix + "/" + name;
                // The tests look into settings and class path files, never into a library: jars are only listed.
                byte[] content = type != 'x' && path.endsWith(".jar") ? skip(in, size) : in.readNBytes((int) size);
                in.skipNBytes((512 - size % 512) % 512);
                if (type == 'x') {
                    paxPath = paxValue(content, "path");
                    continue;
                }
                paxPath = null;
                out.put(stripSlashes(path), new Entry(mode, type == '5', content));
            }
        }
        return out;
    }

    private static byte[] skip(InputStream in, long size) throws IOException {
        in.skipNBytes(size);
        return new byte[0];
    }

    private static boolean readFully(InputStream in, byte[] buffer) throws IOException {
        int read = in.readNBytes(buffer, 0, buffer.length);
        if (read == 0) {
            return false;
        }
        if (read < buffer.length) {
            throw new EOFException("truncated tar header");
        }
        return true;
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] header, int offset, int length) {
        String digits = field(header, offset, length).trim();
        return digits.isEmpty() ? 0 : Long.parseLong(digits, 8);
    }

    /** A PAX extended header is records "LENGTH key=value\n". */
    private static @Nullable String paxValue(byte[] pax, String key) {
        for (String record : new String(pax, StandardCharsets.UTF_8).split("\n")) {
            int space = record.indexOf(' ');
            if (record.startsWith(key + "=", space + 1)) {
                return record.substring(space + 1 + key.length() + 1);
            }
        }
        return null;
    }

    private static String stripSlashes(String path) {
        String p = path.startsWith("./") ? path.substring(2) : path;
        p = p.startsWith("/") ? p.substring(1) : p;
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }
}
