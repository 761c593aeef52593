using System.Runtime.CompilerServices;
using Dsl.Parser.Costs;
using Dsl.Parser.Semantics;

namespace Dsl.Parser.Annotations;

/// <summary>
/// A method whose checked arguments are bound once into a typed settings record (QuantSettings:
/// W, A, PerChannel, ...) that its rules read, rather than looking arguments up by name.
/// <see cref="AnnotationSchema.Validate"/> still sees the arguments themselves: it runs before
/// binding and may ask which were written and where.
/// </summary>
public abstract class AnnotationSchema<TSettings> : AnnotationSchema where TSettings : class
{
    private readonly ConditionalWeakTable<BoundArguments, TSettings> _bound = new();

    /// <summary>The settings that valid arguments stand for.</summary>
    protected abstract TSettings Bind(BoundArguments args);

    /// <summary>The settings of one annotation, bound on first use.</summary>
    public TSettings Settings(BoundArguments args) => _bound.GetValue(args, Bind);

    public sealed override string VariantName(BoundArguments args) => VariantName(Settings(args));

    public sealed override AnnotationProblem? CheckTarget(BoundArguments args, string family) => CheckTarget(Settings(args), family);

    public sealed override AnnotationProblem? CheckOnModel(BoundArguments args, ModelScope model) => CheckOnModel(Settings(args), model);

    public sealed override TensorValue? AssembleModel(ModelAssembly model, BoundArguments args, TensorValue output) => AssembleModel(model, Settings(args), args, output);

    public sealed override AnnotationProblem? CheckLayer(BoundArguments args, LayerContext layer) => CheckLayer(Settings(args), layer);

    public sealed override LayerCost AdjustCost(LayerCost cost, BoundArguments args, LayerContext layer) => AdjustCost(cost, Settings(args), layer);

    public sealed override StackPlan? PlanStack(RepeatSite site) => PlanStack(site, Settings(site.Annotation.Args!));

    /// <inheritdoc cref="AnnotationSchema.VariantName"/>
    protected virtual string VariantName(TSettings settings) => KindVariant;

    /// <inheritdoc cref="AnnotationSchema.CheckTarget"/>
    protected virtual AnnotationProblem? CheckTarget(TSettings settings, string family) => null;

    /// <inheritdoc cref="AnnotationSchema.CheckOnModel"/>
    protected virtual AnnotationProblem? CheckOnModel(TSettings settings, ModelScope model) => null;

    /// <summary>As <see cref="AnnotationSchema.AssembleModel"/>; <paramref name="args"/> locates problems at an argument.</summary>
    protected virtual TensorValue? AssembleModel(ModelAssembly model, TSettings settings, BoundArguments args, TensorValue output) => output;

    /// <inheritdoc cref="AnnotationSchema.CheckLayer"/>
    protected virtual AnnotationProblem? CheckLayer(TSettings settings, LayerContext layer) => null;

    /// <inheritdoc cref="AnnotationSchema.AdjustCost"/>
    protected virtual LayerCost AdjustCost(LayerCost cost, TSettings settings, LayerContext layer) => cost;

    /// <inheritdoc cref="AnnotationSchema.PlanStack"/>
    protected virtual StackPlan? PlanStack(RepeatSite site, TSettings settings) => null;
}
