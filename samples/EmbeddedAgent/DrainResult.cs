namespace EmbeddedAgent;

/// <summary>What <c>drain_orders</c> answers: <c>{"drained":3,"left":2}</c>.</summary>
public sealed record DrainResult(int Drained, int Left);
