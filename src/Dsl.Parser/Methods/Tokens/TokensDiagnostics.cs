using System.Collections.Generic;
using Dsl.Parser.Diagnostics;

namespace Dsl.Parser.Methods;

/// <summary>DiffRate's diagnostics (@tokens): ids CM0101 onwards, and CM0032 from before methods had blocks of ids.</summary>
public static class TokensDiagnostics
{
    public static readonly DiagnosticDescriptor CountsRise = DiagnosticDescriptor.Warning("CM0032", "Token counts rise",
        "a block keeps min(tokens entering, prune, merge), so some counts here change nothing; the schedule in effect is {0}");
    public static readonly DiagnosticDescriptor CountsAndTarget = DiagnosticDescriptor.Error("CM0101", "Fixed counts and a target together");
    public static readonly DiagnosticDescriptor NoSchedule = DiagnosticDescriptor.Error("CM0102", "Neither kept counts nor a target");
    public static readonly DiagnosticDescriptor TwoTargets = DiagnosticDescriptor.Error("CM0103", "Two targets");
    public static readonly DiagnosticDescriptor ReduceWithCounts = DiagnosticDescriptor.Error("CM0104", "reduce with fixed counts");
    public static readonly DiagnosticDescriptor NotTokens = DiagnosticDescriptor.Error("CM0105", "Tokens do not enter as [N, T, C]");
    public static readonly DiagnosticDescriptor ExemptOutOfRange = DiagnosticDescriptor.Error("CM0106", "Exempt block out of range");
    public static readonly DiagnosticDescriptor CountPerBlock = DiagnosticDescriptor.Error("CM0107", "One kept count per block");
    public static readonly DiagnosticDescriptor MoreThanEnter = DiagnosticDescriptor.Error("CM0108", "Keeps more tokens than enter");
    public static readonly DiagnosticDescriptor ReducedNotTokens = DiagnosticDescriptor.Error("CM0109", "Reduced value is not tokens");
    public static readonly DiagnosticDescriptor NoAttention = DiagnosticDescriptor.Error("CM0110", "Block without attention");
    public static readonly DiagnosticDescriptor StageNotBlock = DiagnosticDescriptor.Error("CM0111", "Repeated stage is not a block");
    public static readonly DiagnosticDescriptor TargetNotBelowFull = DiagnosticDescriptor.Error("CM0112", "Target not below the full cost");
    public static readonly DiagnosticDescriptor TargetBelowLeast = DiagnosticDescriptor.Error("CM0113", "Target below the least cost");

    public static IReadOnlyList<DiagnosticDescriptor> All { get; } = new[]
    {
        CountsRise, CountsAndTarget, NoSchedule, TwoTargets, ReduceWithCounts, NotTokens, ExemptOutOfRange, CountPerBlock,
        MoreThanEnter, ReducedNotTokens, NoAttention, StageNotBlock, TargetNotBelowFull, TargetBelowLeast,
    };
}
