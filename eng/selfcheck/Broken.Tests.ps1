# A Pester file that cannot load (the brace below is never closed): test.sh must count it as a failure.
Describe 'a suite that does not parse' {
    It 'never runs' {
        $true | Should -BeTrue
