using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Costs;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Semantics;

namespace Dsl.Parser.Annotations;

/// <summary>
/// A model as its binder has bound it, which a model-level method may complete before its class
/// is made (the phase <see cref="AnnotationSchema.AssembleModel"/>): add fields and their cost
/// rows, rewrite forward's statements, add its state as a member, and report problems.
/// </summary>
public sealed class ModelAssembly
{
    private readonly ISet<string> _names;

    internal ModelAssembly(string pathPrefix, List<ForwardStatement> forward, List<FieldModel> fields, List<LayerCost> costs, ISet<string> names, DiagnosticBag diagnostics,
        IReadOnlyList<NamedShape> features, IReadOnlyList<NamedShape> inputs)
    {
        Features = features;
        Inputs = inputs;
        PathPrefix = pathPrefix;
        Forward = forward;
        Fields = fields;
        Costs = costs;
        _names = names;
        Diagnostics = diagnostics;
    }

    /// <summary>What cost rows' paths start with (the model's own fields: empty).</summary>
    public string PathPrefix { get; }

    public List<ForwardStatement> Forward { get; }

    /// <summary>The model's inputs and their shapes, in order (forward reads them by name).</summary>
    public IReadOnlyList<NamedShape> Inputs { get; }

    /// <summary>The model's named features (<c>feature stem: h</c>) and their shapes, in order.</summary>
    public IReadOnlyList<NamedShape> Features { get; }

    public List<FieldModel> Fields { get; }

    public List<LayerCost> Costs { get; }

    /// <summary>The methods' state the class will hold, in the order the methods completed the model.</summary>
    public List<MethodMember> Members { get; } = new();

    public DiagnosticBag Diagnostics { get; }

    /// <summary>Whether a new field may not take <paramref name="name"/>: a parameter, tensor, method state or field has it.</summary>
    public bool IsTaken(string name) => _names.Contains(name) || Fields.Any(f => f.Name == name);
}
