namespace Dsl.Parser.Methods;

/// <summary>A @distill annotation's settings: the teacher model's name and the losses' weights.</summary>
public sealed record DistillSettings(string Teacher, double Soft, double Temperature, double Hard, double Ranking, long Pairs);
