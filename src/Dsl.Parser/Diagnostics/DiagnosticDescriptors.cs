using System;
using System.Collections.Generic;
using System.Linq;

namespace Dsl.Parser.Diagnostics;

/// <summary>
/// A diagnostic kind: a stable id, a title and a message format ({0}, {1}, ...).
/// <see cref="NeedsErrorFreeFile"/>: a conclusion about the whole file ("never used", "no
/// model") that an error elsewhere may have made false, so it is dropped when the file has errors.
/// </summary>
public sealed record DiagnosticDescriptor(string Id, string Title, Severity Severity, string MessageFormat, bool NeedsErrorFreeFile = false)
{
    public string Format(params object[] args) => string.Format(System.Globalization.CultureInfo.InvariantCulture, MessageFormat, args);

    public static DiagnosticDescriptor Error(string id, string title, string format = "{0}") => new(id, title, Severity.Error, format);

    public static DiagnosticDescriptor Warning(string id, string title, string format = "{0}", bool needsErrorFreeFile = false) =>
        new(id, title, Severity.Warning, format, needsErrorFreeFile);
}

/// <summary>
/// The diagnostics of the language itself; each method declares its own in its folder, in a
/// block of ids of its own (CM01xx, CM02xx, ...), and <see cref="All"/> gathers them through the
/// method registry. Ids are stable: never reuse or renumber one.
/// </summary>
public static class DiagnosticDescriptors
{
    public static readonly DiagnosticDescriptor Syntax = Error("CM0001", "Syntax error", "{0}");
    public static readonly DiagnosticDescriptor UnknownLayer = Error("CM0002", "Unknown layer or block", "unknown layer or block '{0}'{1}");
    public static readonly DiagnosticDescriptor UnknownName = Error("CM0003", "Unknown name", "unknown name '{0}'{1}");
    public static readonly DiagnosticDescriptor UnknownArgument = Error("CM0004", "Unknown argument", "{0} has no argument '{1}'{2}");
    public static readonly DiagnosticDescriptor ArgumentType = Error("CM0005", "Wrong argument type", "argument '{0}' of {1} expects {2} but got {3}");
    public static readonly DiagnosticDescriptor MissingArgument = Error("CM0006", "Missing argument", "{0} needs argument '{1}' ({2})");
    public static readonly DiagnosticDescriptor TooManyArguments = Error("CM0007", "Too many arguments", "{0} takes at most {1} positional argument{2} but got {3}");
    public static readonly DiagnosticDescriptor DuplicateArgument = Error("CM0008", "Duplicate argument", "argument '{0}' of {1} is given more than once");
    public static readonly DiagnosticDescriptor ArgumentRange = Error("CM0009", "Argument out of range", "argument '{0}' of {1} must be {2} but is {3}");
    public static readonly DiagnosticDescriptor ShapeMismatch = Error("CM0010", "Shape mismatch", "{0}");
    public static readonly DiagnosticDescriptor NotBroadcastable = Error("CM0011", "Shapes do not broadcast", "cannot apply '{0}' to shapes {1} and {2}: dimension {3} is {4} on the left and {5} on the right");
    public static readonly DiagnosticDescriptor DuplicateDeclaration = Error("CM0012", "Duplicate declaration", "'{0}' is already declared at line {1}");
    public static readonly DiagnosticDescriptor DuplicateLayerName = Error("CM0013", "Duplicate layer name", "layer name '{0}' is already used at line {1}; choose another name with 'as'");
    public static readonly DiagnosticDescriptor InputCount = Error("CM0014", "Input declaration", "{0}");
    public static readonly DiagnosticDescriptor OutputCount = Error("CM0015", "Output declaration", "{0}");
    public static readonly DiagnosticDescriptor UnknownAnnotation = Error("CM0016", "Unknown annotation", "unknown annotation '@{0}'{1}");
    public static readonly DiagnosticDescriptor AnnotationTarget = Error("CM0018", "Annotation cannot apply here", "'@{0}' cannot apply to {1}; it applies to {2}");
    public static readonly DiagnosticDescriptor RecursiveBlock = Error("CM0019", "Recursive block", "block '{0}' uses itself ({1})");
    public static readonly DiagnosticDescriptor InputDimension = Error("CM0020", "Input dimension", "{0}");
    public static readonly DiagnosticDescriptor ModelParameterDefault = Error("CM0021", "Model parameter without default", "model parameter '{0}' needs a default value (for example '{0}: {1} = ...') so that the model can be checked and costed");
    public static readonly DiagnosticDescriptor ReservedName = Error("CM0022", "Reserved name", "'{0}' is reserved ({1}); choose another name");
    public static readonly DiagnosticDescriptor UnknownType = Error("CM0023", "Unknown type", "unknown type '{0}'; expected int, float or bool");
    public static readonly DiagnosticDescriptor ValueKind = Error("CM0024", "Wrong kind of value", "expected {0} but '{1}' is {2}");
    public static readonly DiagnosticDescriptor NotDivisible = Error("CM0025", "Not divisible", "{0}");
    public static readonly DiagnosticDescriptor UnusedBinding = Warning("CM0026", "Unused tensor", "'{0}' is computed but never used", needsErrorFreeFile: true);
    public static readonly DiagnosticDescriptor AnnotationUnused = Warning("CM0027", "Annotation applies to nothing", "'@{0}' applies to no layer here: {1} contains no {2}", needsErrorFreeFile: true);
    public static readonly DiagnosticDescriptor NoModel = Warning("CM0028", "No model", "the file declares no model, so no class is generated", needsErrorFreeFile: true);
    public static readonly DiagnosticDescriptor UnusedBlock = Warning("CM0029", "Unused block", "block '{0}' is never used, so it is not checked beyond its syntax", needsErrorFreeFile: true);
    /// <summary>What is wrong with an annotation's arguments, for a method that declares no diagnostic of its own for it.</summary>
    public static readonly DiagnosticDescriptor AnnotationArguments = Error("CM0031", "Annotation arguments", "{0}");
    public static readonly DiagnosticDescriptor OutOfRange = Error("CM0033", "Number out of range", "{0}; CModel accepts integers, sizes and costs up to {1}");
    public static readonly DiagnosticDescriptor LinearOverFeatureMap = Warning("CM0034", "Linear over a feature map", "{0}");
    public static readonly DiagnosticDescriptor LibraryBlockErrors = Error("CM0035", "Block of another file has errors", "block '{0}' of {1} has syntax errors, reported in that file; fix them there");
    public static readonly DiagnosticDescriptor DuplicateParameter = Error("CM0036", "Duplicate parameter", "parameter '{0}' is already declared at line {1}");
    public static readonly DiagnosticDescriptor InternalError = Error("CM0037", "Internal compiler error", "CModel could not check this file ({0}); this is a CModel bug, please report it with the file");
    public static readonly DiagnosticDescriptor TooManyLayers = Error("CM0038", "Model too large", "model '{0}' expands past {1} layers here (repeats multiply); CModel caps a model there");
    public static readonly DiagnosticDescriptor DuplicateClass = Error("CM0030", "Class declared in two files", "'{0}' is also declared in {1}; model and block names must be unique across a project's .cmodel files");
    public static readonly DiagnosticDescriptor NamedOutputInBlock = Error("CM0040", "Named output or feature in a block", "block '{0}' {1}; a block returns one tensor and names no features (a model may)");
    public static readonly DiagnosticDescriptor DuplicateOutputName = Error("CM0041", "Duplicate output or feature name", "'{0}' already names {1} at line {2}; each output and each feature needs its own name");
    public static readonly DiagnosticDescriptor ConflictingAnnotations = Error("CM0039", "Annotations conflict on a layer", "'@{0}' and '@{1}' both reach {2} '{3}'; a layer takes one of them: exempt it from the other with @exempt({1})");

    /// <summary>The language's own diagnostics.</summary>
    public static IReadOnlyList<DiagnosticDescriptor> Core { get; } = new[]
    {
        Syntax, UnknownLayer, UnknownName, UnknownArgument, ArgumentType, MissingArgument,
        TooManyArguments, DuplicateArgument, ArgumentRange, ShapeMismatch, NotBroadcastable,
        DuplicateDeclaration, DuplicateLayerName, InputCount, OutputCount, UnknownAnnotation,
        AnnotationTarget, RecursiveBlock, InputDimension,
        ModelParameterDefault, ReservedName, UnknownType, ValueKind, NotDivisible,
        UnusedBinding, AnnotationUnused, NoModel, UnusedBlock, DuplicateClass, AnnotationArguments, OutOfRange,
        LinearOverFeatureMap, LibraryBlockErrors, DuplicateParameter, InternalError, TooManyLayers, ConflictingAnnotations, NamedOutputInBlock, DuplicateOutputName,
    };

    /// <summary>Every diagnostic: the language's and every registered method's, in id order.</summary>
    public static IReadOnlyList<DiagnosticDescriptor> All { get; } =
        Core.Concat(Methods.MethodRegistry.All.SelectMany(m => m.Diagnostics)).OrderBy(d => d.Id, StringComparer.Ordinal).ToList();

    private static readonly Dictionary<string, DiagnosticDescriptor> ById = All.ToDictionary(d => d.Id);

    /// <summary>The descriptor of an id this version reports; null for any other.</summary>
    public static DiagnosticDescriptor? Find(string id) => ById.TryGetValue(id, out var d) ? d : null;

    private static DiagnosticDescriptor Error(string id, string title, string format) => DiagnosticDescriptor.Error(id, title, format);

    private static DiagnosticDescriptor Warning(string id, string title, string format, bool needsErrorFreeFile = false) =>
        DiagnosticDescriptor.Warning(id, title, format, needsErrorFreeFile);
}
