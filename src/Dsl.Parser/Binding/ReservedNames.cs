using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Methods;

namespace Dsl.Parser.Binding;

/// <summary>
/// Names generated code cannot give away, the back ends' policy kept in one place so that a
/// model's classes and state-dict keys are the same whichever back end runs it: a layer field
/// cannot take the name of a member of TorchSharp's Module&lt;Tensor, Tensor&gt; (a test checks
/// this list against the real type) or of a member the generator adds; a model or block cannot
/// take the name of a type or namespace the generated code refers to, or of a C# keyword.
/// </summary>
public static class ReservedNames
{
    /// <summary>C#'s keywords: no class may take one; the C# back end escapes them elsewhere.</summary>
    public static readonly HashSet<string> CSharpKeywords = new()
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const",
        "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern",
        "false", "finally", "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface",
        "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out", "override",
        "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed", "short",
        "sizeof", "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try", "typeof",
        "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
    };

    /// <summary>
    /// Members every generated class may have beside its fields: its costs and shapes, the
    /// records of named outputs and features and the method returning them, the methods' cost
    /// constants, and the properties exposing the methods' state (Tokens, Distillation).
    /// </summary>
    public static readonly HashSet<string> GeneratedMembers = new(new[] { "Macs", "ParameterCount", "InputShape", "InputShapes", "OutputShape", "OutputShapes", "FeatureShapes", "Outputs", "Features", "ForwardWithFeatures" }
        .Concat(Annotations.AnnotationCatalog.Default.Metrics.Select(m => m.ConstantName))
        .Concat(MethodRegistry.All.SelectMany(m => m.ClassMembers).Select(n => char.ToUpperInvariant(n[0]) + n.Substring(1))));

    /// <summary>
    /// Whether a field may not take <paramref name="name"/>: a generated member has it, or a
    /// metric at a setting could (a registered metric's constant followed by a capital or digit: BopsW4a4).
    /// </summary>
    public static bool IsGeneratedMember(string name) =>
        GeneratedMembers.Contains(name) || Annotations.AnnotationCatalog.Default.Metrics.Any(m =>
            name.Length > m.ConstantName.Length && name.StartsWith(m.ConstantName, System.StringComparison.Ordinal)
            && name[m.ConstantName.Length] is (>= 'A' and <= 'Z') or (>= '0' and <= '9'));

    /// <summary>Members of the generated records of named outputs and features besides the tensors (a C# record's and INamedTensors').</summary>
    public static readonly HashSet<string> RecordMembers = new()
    {
        "Equals", "GetHashCode", "ToString", "Deconstruct", "EqualityContract", "PrintMembers", "GetType", "MemberwiseClone",
        "Finalize", "Named", "Outputs", "Features",
    };

    /// <summary>Types and namespaces generated code names; a class of that name would hide them.</summary>
    public static readonly HashSet<string> TypeNames = new(new[]
    {
        "System", "TorchSharp", "Dsl", "torch", "nn", "Tensor", "Parameter", "Sequential", "Layers", "Ops", "Compression",
        "Module", "CostMetric", "CostMetricAttribute",
    }.Concat(MethodRegistry.All.SelectMany(m => m.RuntimeTypes)));

    public static readonly HashSet<string> ModuleMembers = new()
    {
        "ClearModules", "ConditionallyRegisterBuffer", "ConditionallyRegisterParameter", "Dispose", "Equals",
        "Finalize", "GetHashCode", "GetName", "GetType", "MemberwiseClone", "RegisterComponents", "ToString",
        "_deviceIndex", "_deviceType", "_internal_buffers", "_internal_params", "_internal_submodules",
        "_named_buffers", "_named_parameters", "_parameters", "_to", "_toEpilog", "add_module", "apply", "bfloat16",
        "buffers", "call", "children", "cpu", "cuda", "double", "eval", "extra_repr", "float", "forward",
        "get_buffer", "get_parameter", "get_submodule", "half", "handle", "has_buffer", "has_parameter", "load",
        "load_state_dict", "module_post_hooks", "module_pre_hooks", "modules", "name", "named_buffers",
        "named_children", "named_modules", "named_parameters", "parameters", "post_hooks", "pre_hooks",
        "register_buffer", "register_forward_hook", "register_forward_pre_hook", "register_module",
        "register_parameter", "requires_grad", "requires_grad_", "save", "set_submodule", "state_dict", "to",
        "train", "training", "zero_grad",
    };
}
