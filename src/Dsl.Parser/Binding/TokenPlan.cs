using Dsl.Parser.Annotations;

namespace Dsl.Parser.Binding;

/// <summary>One block's share of a @tokens schedule: tokens kept after pruning and after merging, class token included.</summary>
internal sealed record TokenPlan(long Prune, long Merge, BoundAnnotation Annotation);
