using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Annotations;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Semantics;

namespace Dsl.Parser.Methods;

/// <summary>
/// Knowledge distillation (@distill), written on a model: <c>teacher</c> names another model
/// of the file, run in eval mode without gradients in every training step. The losses and
/// their weights: <c>soft</c>, cross-entropy to the teacher's softmax at <c>temperature</c>;
/// <c>hard</c>, DeiT's hard distillation: a distillation head (a copy of the classifier) learns
/// the teacher's argmax, the task loss weighted 1 − hard and the head's loss hard, the two
/// heads averaged at inference; <c>ranking</c>, the attention-ranking loss between student
/// and teacher attention, on <c>pairs</c> sampled key pairs per query (0: all pairs).
/// </summary>
public sealed class DistillAnnotation : AnnotationSchema
{
    public const string KindName = "distill";

    public override string Name => KindName;

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[]
    {
        new ParamSpec("teacher", ArgKind.Word, Required: true),
        ParamSpec.Float("soft", 0, min: 0),
        ParamSpec.Float("temperature", 1, min: 1e-3),
        ParamSpec.Float("hard", 0, min: 0, max: 1),
        ParamSpec.Float("ranking", 0, min: 0),
        ParamSpec.Int("pairs", 64, min: 0),
    };

    public override IReadOnlyCollection<string> Families { get; } = new string[0];

    public override bool OnModel => true;

    /// <summary>The model's distillation state.</summary>
    public override IReadOnlyCollection<string> ClassMembers { get; } = new[] { "distillation" };

    /// <summary>The teacher must be another model of this file.</summary>
    public override AnnotationProblem? CheckOnModel(BoundArguments args, ModelScope model)
    {
        var teacher = args.Word("teacher");
        if (teacher == model.Name)
            return new($"model '{teacher}' cannot be its own teacher; name another model of this file", "teacher", DistillDiagnostics.OwnTeacher);
        if (model.ModelNames.Contains(teacher)) return null;
        var kind = model.BlockNames.Contains(teacher) ? $"'{teacher}' is a block" : $"'{teacher}' names no model";
        return new($"the teacher must be a model of this file, but {kind}{Suggestions.DidYouMean(teacher, model.ModelNames.Where(m => m != model.Name))}",
            "teacher", DistillDiagnostics.TeacherNotModel);
    }

    public override AnnotationProblem? Validate(BoundArguments args) =>
        args.Scalar("soft")!.Concrete == 0 && args.Scalar("hard")!.Concrete == 0 && args.Scalar("ranking")!.Concrete == 0
            ? new("@distill needs at least one loss weight: soft:, hard: or ranking:, such as @distill(teacher: Teacher, soft: 1)", Descriptor: DistillDiagnostics.NoLoss)
            : null;

    public override IReadOnlyList<DiagnosticDescriptor> Diagnostics => DistillDiagnostics.All;
}
