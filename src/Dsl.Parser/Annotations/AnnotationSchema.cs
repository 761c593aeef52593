using System.Collections.Generic;
using Dsl.Parser.Costs;
using Dsl.Parser.Semantics;

namespace Dsl.Parser.Annotations;

/// <summary>
/// A compression annotation kind (@quant, @sparse, ...): its arguments, the layer families it
/// applies to, whether it flows from a header or block call to the eligible layers inside, and
/// how it changes a layer's cost. Each method issue adds one.
/// </summary>
public abstract class AnnotationSchema
{
    public abstract string Name { get; }

    public abstract IReadOnlyList<ParamSpec> Parameters { get; }

    /// <summary>Layer families (LayerSpec.Family) it applies to.</summary>
    public abstract IReadOnlyCollection<string> Families { get; }

    /// <summary>Placed on a model, block or call, it applies to every eligible layer inside.</summary>
    public virtual bool Inherited => true;

    /// <summary>Extra checks across arguments; returns an error message or null.</summary>
    public virtual string? Validate(BoundArguments args) => null;

    /// <summary>The cost extension point: the method's own counting (BOPs, density, kept tokens).</summary>
    public virtual LayerCost AdjustCost(LayerCost cost, BoundArguments args) => cost;
}
