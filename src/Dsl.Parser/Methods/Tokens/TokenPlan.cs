using Dsl.Parser.Annotations;

namespace Dsl.Parser.Binding;

/// <summary>
/// One block's share of a @tokens schedule: tokens kept after pruning and after merging, class
/// token included; for learned rates, the counts are the full ones and Learned is set (block 0
/// and other exempt blocks stay fixed), with Reduce saying which reductions learn (both, prune
/// or merge).
/// </summary>
internal sealed record TokenPlan(long Prune, long Merge, bool Learned, long Granularity, bool Costed, BoundAnnotation Annotation, string Reduce = "both");
