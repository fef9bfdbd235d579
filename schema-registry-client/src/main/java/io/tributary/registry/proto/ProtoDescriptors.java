/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.registry.proto;

import com.google.protobuf.AnyProto;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumOptions;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldOptions;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.DescriptorProtos.OneofDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DurationProto;
import com.google.protobuf.EmptyProto;
import com.google.protobuf.FieldMaskProto;
import com.google.protobuf.StructProto;
import com.google.protobuf.TimestampProto;
import com.google.protobuf.WrappersProto;
import com.squareup.wire.Syntax;
import com.squareup.wire.schema.Field;
import com.squareup.wire.schema.Location;
import com.squareup.wire.schema.internal.parser.EnumConstantElement;
import com.squareup.wire.schema.internal.parser.EnumElement;
import com.squareup.wire.schema.internal.parser.FieldElement;
import com.squareup.wire.schema.internal.parser.MessageElement;
import com.squareup.wire.schema.internal.parser.OneOfElement;
import com.squareup.wire.schema.internal.parser.OptionElement;
import com.squareup.wire.schema.internal.parser.ProtoFileElement;
import com.squareup.wire.schema.internal.parser.ProtoParser;
import com.squareup.wire.schema.internal.parser.TypeElement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The text of a {@code .proto} file, as a registry holds it, compiled to a protobuf-java file descriptor (from
 * which {@code DynamicMessage} encodes and {@code JsonFormat} maps JSON). Wire's parser reads the text; this class
 * writes the {@code FileDescriptorProto} protoc would, leaving type names as written: protobuf-java resolves them
 * by the language's scoping rules when it builds the descriptor. Services, extensions and options other than
 * {@code packed}, {@code json_name}, defaults and {@code allow_alias} do not change a message's encoding and are
 * left out; proto2 groups are refused.
 *
 * <p>Shared by the broker (mqtt-frontend's Protobuf bindings validate and encode with it) and the lake connectors
 * (the {@code columns} package reads Protobuf payloads into columns with it), so a schema compiles alike in both.
 */
public final class ProtoDescriptors {

    /** Imports of Google's well-known types, which protobuf-java carries compiled. */
    public static final Map<String, Descriptors.FileDescriptor> WELL_KNOWN = Map.of(
            "google/protobuf/timestamp.proto", TimestampProto.getDescriptor(),
            "google/protobuf/duration.proto", DurationProto.getDescriptor(),
            "google/protobuf/wrappers.proto", WrappersProto.getDescriptor(),
            "google/protobuf/struct.proto", StructProto.getDescriptor(),
            "google/protobuf/empty.proto", EmptyProto.getDescriptor(),
            "google/protobuf/field_mask.proto", FieldMaskProto.getDescriptor(),
            "google/protobuf/any.proto", AnyProto.getDescriptor());

    private static final Map<String, FieldDescriptorProto.Type> SCALARS = Map.ofEntries(
            Map.entry("double", FieldDescriptorProto.Type.TYPE_DOUBLE),
            Map.entry("float", FieldDescriptorProto.Type.TYPE_FLOAT),
            Map.entry("int32", FieldDescriptorProto.Type.TYPE_INT32),
            Map.entry("int64", FieldDescriptorProto.Type.TYPE_INT64),
            Map.entry("uint32", FieldDescriptorProto.Type.TYPE_UINT32),
            Map.entry("uint64", FieldDescriptorProto.Type.TYPE_UINT64),
            Map.entry("sint32", FieldDescriptorProto.Type.TYPE_SINT32),
            Map.entry("sint64", FieldDescriptorProto.Type.TYPE_SINT64),
            Map.entry("fixed32", FieldDescriptorProto.Type.TYPE_FIXED32),
            Map.entry("fixed64", FieldDescriptorProto.Type.TYPE_FIXED64),
            Map.entry("sfixed32", FieldDescriptorProto.Type.TYPE_SFIXED32),
            Map.entry("sfixed64", FieldDescriptorProto.Type.TYPE_SFIXED64),
            Map.entry("bool", FieldDescriptorProto.Type.TYPE_BOOL),
            Map.entry("string", FieldDescriptorProto.Type.TYPE_STRING),
            Map.entry("bytes", FieldDescriptorProto.Type.TYPE_BYTES));

    private ProtoDescriptors() {}

    /**
     * Compiles one file.
     *
     * @param name the file's name, the one other files import it by
     * @param imports the compiled files it may import, by import name (well-known types need not be given)
     * @throws IllegalArgumentException saying what is wrong with the text or an import
     */
    public static Descriptors.FileDescriptor compile(
            String name, String text, Map<String, Descriptors.FileDescriptor> imports) {
        ProtoFileElement file;
        try {
            file = ProtoParser.Companion.parse(Location.Companion.get(name), text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a valid .proto file: " + e.getMessage(), e);
        }
        boolean proto3 = file.getSyntax() == Syntax.PROTO_3;
        FileDescriptorProto.Builder proto =
                FileDescriptorProto.newBuilder().setName(name).setSyntax(proto3 ? "proto3" : "proto2");
        if (file.getPackageName() != null) {
            proto.setPackage(file.getPackageName());
        }
        List<Descriptors.FileDescriptor> dependencies = new ArrayList<>();
        List<String> allImports = new ArrayList<>(file.getImports());
        allImports.addAll(file.getPublicImports());
        for (String imported : allImports) {
            Descriptors.FileDescriptor dependency = imports.getOrDefault(imported, WELL_KNOWN.get(imported));
            if (dependency == null) {
                throw new IllegalArgumentException(
                        "import \"" + imported + "\" is not among the schema's references (nor a well-known type)");
            }
            if (file.getPublicImports().contains(imported)) {
                proto.addPublicDependency(proto.getDependencyCount());
            }
            proto.addDependency(imported);
            dependencies.add(dependency);
        }
        for (TypeElement type : file.getTypes()) {
            if (type instanceof MessageElement m) {
                proto.addMessageType(message(m, proto3));
            } else if (type instanceof EnumElement e) {
                proto.addEnumType(enumType(e));
            }
        }
        try {
            return Descriptors.FileDescriptor.buildFrom(
                    proto.build(), dependencies.toArray(Descriptors.FileDescriptor[]::new));
        } catch (Descriptors.DescriptorValidationException e) {
            throw new IllegalArgumentException("invalid .proto file: " + e.getMessage(), e);
        }
    }

    private static DescriptorProto message(MessageElement m, boolean proto3) {
        if (!m.getGroups().isEmpty()) {
            throw new IllegalArgumentException("message " + m.getName() + ": proto2 groups are not supported");
        }
        DescriptorProto.Builder b = DescriptorProto.newBuilder().setName(m.getName());
        for (TypeElement nested : m.getNestedTypes()) {
            if (nested instanceof MessageElement n) {
                b.addNestedType(message(n, proto3));
            } else if (nested instanceof EnumElement e) {
                b.addEnumType(enumType(e));
            }
        }
        for (OneOfElement oneOf : m.getOneOfs()) {
            int index = b.getOneofDeclCount();
            b.addOneofDecl(OneofDescriptorProto.newBuilder().setName(oneOf.getName()));
            for (FieldElement f : oneOf.getFields()) {
                b.addField(field(b, f, proto3).setOneofIndex(index));
            }
        }
        List<FieldDescriptorProto.Builder> optionals = new ArrayList<>();
        for (FieldElement f : m.getFields()) {
            FieldDescriptorProto.Builder field = field(b, f, proto3);
            if (proto3 && f.getLabel() == Field.Label.OPTIONAL) {
                optionals.add(field.setProto3Optional(true)); // in a synthetic oneof, declared after the real ones
            } else {
                b.addField(field);
            }
        }
        for (FieldDescriptorProto.Builder field : optionals) {
            field.setOneofIndex(b.getOneofDeclCount());
            b.addOneofDecl(OneofDescriptorProto.newBuilder().setName("_" + field.getName()));
            b.addField(field);
        }
        return b.build();
    }

    private static FieldDescriptorProto.Builder field(DescriptorProto.Builder message, FieldElement f, boolean proto3) {
        FieldDescriptorProto.Builder b = FieldDescriptorProto.newBuilder()
                .setName(f.getName())
                .setNumber(f.getTag())
                .setLabel(label(f.getLabel()));
        String type = f.getType();
        if (type.startsWith("map<")) {
            String entry = mapEntryName(f.getName());
            message.addNestedType(mapEntry(entry, type, f));
            b.setLabel(FieldDescriptorProto.Label.LABEL_REPEATED).setTypeName(entry);
        } else if (SCALARS.containsKey(type)) {
            b.setType(SCALARS.get(type));
        } else {
            b.setTypeName(type); // message or enum: protobuf-java tells which when it resolves the name
        }
        if (f.getJsonName() != null) {
            b.setJsonName(f.getJsonName());
        }
        if (f.getDefaultValue() != null && !proto3) {
            b.setDefaultValue(f.getDefaultValue());
        }
        for (OptionElement option : f.getOptions()) {
            if (option.getName().equals("packed")) {
                b.setOptions(
                        FieldOptions.newBuilder().setPacked(Boolean.parseBoolean(String.valueOf(option.getValue()))));
            }
        }
        return b;
    }

    private static FieldDescriptorProto.Label label(Field.Label label) {
        if (label == Field.Label.REPEATED) {
            return FieldDescriptorProto.Label.LABEL_REPEATED;
        }
        return label == Field.Label.REQUIRED
                ? FieldDescriptorProto.Label.LABEL_REQUIRED
                : FieldDescriptorProto.Label.LABEL_OPTIONAL;
    }

    /** {@code map<K, V> name = n} is a repeated nested {@code NameEntry {K key = 1; V value = 2;}}, as protoc writes. */
    private static DescriptorProto mapEntry(String entryName, String mapType, FieldElement f) {
        String[] kv = mapType.substring("map<".length(), mapType.length() - 1).split(",", 2);
        if (kv.length != 2) {
            throw new IllegalArgumentException("field " + f.getName() + ": cannot read map type " + mapType);
        }
        DescriptorProto.Builder entry = DescriptorProto.newBuilder()
                .setName(entryName)
                .setOptions(MessageOptions.newBuilder().setMapEntry(true));
        String[] names = {"key", "value"};
        for (int i = 0; i < 2; i++) {
            String t = kv[i].trim();
            FieldDescriptorProto.Builder field = FieldDescriptorProto.newBuilder()
                    .setName(names[i])
                    .setNumber(i + 1)
                    .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL);
            if (SCALARS.containsKey(t)) {
                field.setType(SCALARS.get(t));
            } else {
                field.setTypeName(t);
            }
            entry.addField(field);
        }
        return entry.build();
    }

    /** protoc's name of a map field's entry type: {@code sensor_values} becomes {@code SensorValuesEntry}. */
    private static String mapEntryName(String fieldName) {
        StringBuilder out = new StringBuilder();
        boolean upper = true;
        for (char c : fieldName.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.append("Entry").toString();
    }

    private static EnumDescriptorProto enumType(EnumElement e) {
        EnumDescriptorProto.Builder b = EnumDescriptorProto.newBuilder().setName(e.getName());
        for (OptionElement option : e.getOptions()) {
            if (option.getName().equals("allow_alias")) {
                b.setOptions(EnumOptions.newBuilder()
                        .setAllowAlias(Boolean.parseBoolean(
                                String.valueOf(option.getValue()).toLowerCase(Locale.ROOT))));
            }
        }
        for (EnumConstantElement c : e.getConstants()) {
            b.addValue(
                    EnumValueDescriptorProto.newBuilder().setName(c.getName()).setNumber(c.getTag()));
        }
        return b.build();
    }
}
